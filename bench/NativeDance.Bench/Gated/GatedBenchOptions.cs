namespace NativeDance.Bench.Gated;

/// <summary>The command line of the gated-conv benchmark: <c>gated [--layers 2,3,4] [--repeats N] [--smoke] [--out DIR]</c>.</summary>
internal sealed record GatedBenchOptions(IReadOnlyList<int> Layers, int Repeats, bool Smoke, string? ResultsDirectory)
{
    public const string Usage = """
        usage: gated [--layers 2,3,4] [--repeats N] [--smoke] [--out DIR]
          gated       the gated conv (kept frames 100/75/50%, channels 100/75/50%, non-zero features 100/50/30/10%)
                      next to our dense conv and libtorch's dense conv, on layers 2-4; writes gated-conv-cpu.json and .md
          --layers    only these layers (of 2, 3, 4)
          --repeats   timed runs per kernel and grid cell, medians reported (default 7)
          --smoke     one timed run per kernel: checks the pipeline, numbers mean little
          --out       results folder (default: bench/results of the repository)
        """;

    private static readonly int[] GatedLayers = [2, 3, 4];

    /// <summary>Parses the arguments after <c>gated</c>; null (after printing why) when they are not valid.</summary>
    public static GatedBenchOptions? Parse(ReadOnlySpan<string> args)
    {
        var layers = new List<int>();
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
                        if (!int.TryParse(n, out int number) || !GatedLayers.Contains(number))
                            return Fail($"--layers takes numbers among {string.Join(", ", GatedLayers)}, got '{n}'.");
                        layers.Add(number);
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
        return new GatedBenchOptions(layers.Count == 0 ? GatedLayers : layers, smoke ? 1 : repeats, smoke, output);
    }

    private static GatedBenchOptions? Fail(string message)
    {
        Console.Error.WriteLine($"{message}\n{Usage}");
        return null;
    }
}
