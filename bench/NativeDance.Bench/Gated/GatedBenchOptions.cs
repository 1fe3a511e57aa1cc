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
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--layers" when i + 1 < args.Length:
                    foreach (string n in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!GatedLayers.Selectors.Contains(n))
                            return Fail($"--layers takes {string.Join(", ", GatedLayers.Selectors)}, got '{n}'.");
                        layers.Add(n);
                    }
                    break;
                case "--repeats" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], out repeats) || repeats < 1)
                        return Fail($"--repeats takes a positive number, got '{args[i]}'.");
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return null;
                default:
                    return Fail($"Unknown option '{args[i]}'.");
            }
        }
        return new GatedBenchOptions(layers.Count == 0 ? GatedLayers.Selectors.ToList() : layers, smoke ? 1 : repeats, smoke, output);
    }

    private static GatedBenchOptions? Fail(string message)
    {
        Console.Error.WriteLine($"{message}\n{Usage}");
        return null;
    }
}
