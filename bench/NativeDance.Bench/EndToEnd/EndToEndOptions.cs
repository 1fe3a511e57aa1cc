using System.Globalization;

namespace NativeDance.Bench.EndToEnd;

/// <summary>
/// The command line of the end-to-end comparison:
/// <c>e2e [--demo DIR] [--models tiny-c3d,c3d,r3d-18] [--threads 1,2] [--rounds N] [--smoke] [--out DIR]</c>.
/// </summary>
internal sealed record EndToEndOptions(string DemoDirectory, IReadOnlyList<string> Models, IReadOnlyList<int> Threads, int Rounds, bool Smoke, string? ResultsDirectory)
{
    /// <summary>The models compared, in report order.</summary>
    public static IReadOnlyList<string> AllModels { get; } = ["tiny-c3d", "c3d", "r3d-18"];

    public const string Usage = """
        usage: e2e [--demo DIR] [--models tiny-c3d,c3d,r3d-18] [--threads 1,2] [--rounds N] [--smoke] [--out DIR]
          e2e        per-clip CPU latency (batch 1) of whole models: ours dense and DANCE-gated (inference plan), libtorch
                     and ONNX Runtime dense on the same weights; writes e2e-cpu.json, e2e-cpu.md and e2e-cpu.png
          --demo     the output folder of `dance demo` (default runs/demo): its AVA model and trained controller are the
                     tiny C3D contestants, and its keep ratios are the ones C3D and R3D-18 are gated at
          --models   which models (default all three)
          --threads  thread counts (default 1,2)
          --rounds   rounds alternating the contestants (default 7)
          --smoke    one round, one run each, nothing written: checks the pipeline, numbers mean nothing
          --out      results folder (default: bench/results of the repository)
        """;

    /// <summary>Parses the arguments after <c>e2e</c>; null (after printing why) when they are not valid.</summary>
    public static EndToEndOptions? Parse(ReadOnlySpan<string> args)
    {
        string demo = Path.Combine("runs", "demo");
        string? output = null;
        IReadOnlyList<string> models = AllModels;
        IReadOnlyList<int> threads = [1, 2];
        int rounds = 7;
        bool smoke = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--demo" when i + 1 < args.Length:
                    demo = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--models" when i + 1 < args.Length:
                    models = List(args[++i]);
                    if (models.FirstOrDefault(m => !AllModels.Contains(m)) is { } unknown)
                        return Fail($"--models takes {string.Join(", ", AllModels)}; got '{unknown}'.");
                    break;
                case "--threads" when i + 1 < args.Length:
                    var counts = List(args[++i]).Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 0).ToList();
                    if (counts.Count == 0 || counts.Contains(0)) return Fail($"--threads takes positive numbers separated by commas, got '{args[i]}'.");
                    threads = counts;
                    break;
                case "--rounds" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out rounds) || rounds <= 0)
                        return Fail($"--rounds takes a positive number, got '{args[i]}'.");
                    break;
                case "--smoke":
                    smoke = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return null;
                default:
                    return Fail($"Unknown option '{args[i]}'.");
            }
        }
        return new EndToEndOptions(demo, models, threads, smoke ? 1 : rounds, smoke, output);
    }

    private static List<string> List(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static EndToEndOptions? Fail(string message)
    {
        Console.Error.WriteLine($"{message}\n{Usage}");
        return null;
    }
}
