namespace NativeDance.Bench.Gated;

/// <summary>The command line of the gated-conv benchmark: <c>gated [--layers 2,3,4,tiny] [--repeats N] [--smoke] [--out DIR]</c>.</summary>
internal sealed record GatedBenchOptions(IReadOnlyList<string> Layers, int Repeats, bool Smoke, string? ResultsDirectory)
{
    public const string Usage = """
        usage: gated [--layers 2,3,4,tiny] [--repeats N] [--smoke] [--out DIR]
          gated       the gated conv (kept frames 100/75/50%, channels 100/75/50%, non-zero features 100/50/30/10%)
                      next to our dense conv and libtorch's dense conv, on layers 2-4, and on the tiny C3D's convs 2-4
                      at 16x16x16 (features 100/55/40/25/10%); writes gated-conv-cpu.json and .md
          --layers    only these layers (of 2, 3, 4 and tiny: the three tiny C3D convs)
          --repeats   timed runs per kernel and grid cell, medians reported (default 7)
          --smoke     one timed run per kernel: checks the pipeline, numbers mean little
          --out       results folder (default: bench/results of the repository)
        """;

    /// <summary>Parses the arguments after <c>gated</c>; null (after printing why) when they are not valid.</summary>
    public static GatedBenchOptions? Parse(ReadOnlySpan<string> args)
    {
        var layers = new List<string>();
        int repeats = 7;
        bool smoke = false;
        string? output = null;
        var parser = new OptionParser(Usage)
            .Flag("--smoke", () => smoke = true)
            .Checked("--layers", text =>
            {
                foreach (string n in OptionParser.List(text))
                {
                    if (!GatedLayers.Selectors.Contains(n)) return $"--layers takes {string.Join(", ", GatedLayers.Selectors)}, got '{n}'.";
                    layers.Add(n);
                }
                return null;
            })
            .Positive("--repeats", n => repeats = n)
            .Text("--out", value => output = value);
        if (!parser.Parse(args)) return null;
        return new GatedBenchOptions(layers.Count == 0 ? GatedLayers.Selectors.ToList() : layers, smoke ? 1 : repeats, smoke, output);
    }
}
