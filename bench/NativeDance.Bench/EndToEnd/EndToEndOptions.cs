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
        var parser = new OptionParser(Usage)
            .Text("--demo", value => demo = value)
            .Text("--out", value => output = value)
            .Checked("--models", text =>
            {
                models = OptionParser.List(text);
                return models.FirstOrDefault(m => !AllModels.Contains(m)) is { } unknown
                    ? $"--models takes {string.Join(", ", AllModels)}; got '{unknown}'."
                    : null;
            })
            .Checked("--threads", text =>
            {
                var counts = OptionParser.List(text).Select(OptionParser.PositiveInt).ToList();
                if (counts.Count == 0 || counts.Contains(null)) return $"--threads takes positive numbers separated by commas, got '{text}'.";
                threads = [.. counts.Select(n => n!.Value)];
                return null;
            })
            .Positive("--rounds", n => rounds = n)
            .Flag("--smoke", () => smoke = true);
        return parser.Parse(args) ? new EndToEndOptions(demo, models, threads, smoke ? 1 : rounds, smoke, output) : null;
    }
}
