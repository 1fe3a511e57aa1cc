using System.Globalization;

namespace NativeDance.Bench.Training;

/// <summary>
/// The command line of the training benchmark:
/// <c>train [--rounds R] [--steps N] [--warmup W] [--threads 1,2] [--batch B] [--out DIR]</c>.
/// </summary>
internal sealed record TrainBenchOptions(int Rounds, int Steps, int Warmup, IReadOnlyList<int> Threads, int Batch, string? ResultsDirectory)
{
    public const string Usage = """
        usage: train [--rounds R] [--steps N] [--warmup W] [--threads 1,2] [--batch B] [--out DIR]
          train       tiny C3D training (forward, backward, SGD update) on 16x32x32 procedural clips, ours and libtorch
                      from the same weights on the same pre-rendered batches, alternating; writes train-cpu.json and .md
          --rounds    measured rounds per thread count (default 7); the median round is reported
          --steps     training steps per round and implementation (default 5)
          --warmup    untimed steps per implementation before each thread count (default 2)
          --threads   thread counts (default 1,2)
          --batch     clips per step, at least 2 for batch norm (default 16)
          --out       results folder (default: bench/results of the repository)
        """;

    /// <summary>Parses the arguments after <c>train</c>; null (after printing why) when they are invalid.</summary>
    public static TrainBenchOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new TrainBenchOptions(Rounds: 7, Steps: 5, Warmup: 2, Threads: [1, 2], Batch: 16, ResultsDirectory: null);
        if (args.Contains("--help"))
        {
            Console.WriteLine(Usage);
            return null;
        }
        for (int i = 0; i < args.Count; i++)
        {
            string? value = i + 1 < args.Count ? args[i + 1] : null;
            var next = (args[i], value) switch
            {
                ("--rounds", { } v) when Positive(v) is { } n => options with { Rounds = n },
                ("--steps", { } v) when Positive(v) is { } n => options with { Steps = n },
                ("--warmup", { } v) when int.TryParse(v, CultureInfo.InvariantCulture, out int n) && n >= 0 => options with { Warmup = n },
                ("--batch", { } v) when Positive(v) is { } n && n >= 2 => options with { Batch = n },
                ("--threads", { } v) when v.Split(',').Select(Positive).ToArray() is var t && t.All(n => n is not null) => options with { Threads = t.Select(n => n!.Value).ToArray() },
                ("--out", { } v) => options with { ResultsDirectory = v },
                _ => null,
            };
            if (next is null) return Fail(args[i], value);
            options = next;
            i++;
        }
        return options;
    }

    private static int? Positive(string text) => int.TryParse(text, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;

    private static TrainBenchOptions? Fail(string option, string? value)
    {
        Console.Error.WriteLine($"train: invalid option '{option}'{(value is null ? " (no value)" : $" with value '{value}'")}.\n{Usage}");
        return null;
    }
}
