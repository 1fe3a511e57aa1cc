using System.Globalization;

namespace NativeDance.Bench.Plan;

/// <summary>
/// The command line of the inference-plan benchmark:
/// <c>plan [--model PATH --controller PATH] [--clips N] [--repeats N] [--rounds N] [--threads N] [--out DIR]</c>.
/// </summary>
internal sealed record PlanBenchOptions(string? Model, string? Controller, int Clips, int Repeats, int Rounds, int? Threads, string? ResultsDirectory)
{
    public const string Usage = """
        usage: plan [--model PATH --controller PATH] [--clips N] [--repeats N] [--rounds N] [--threads N] [--out DIR]
          plan          dense plan vs DANCE-gated plan, per-clip latency on procedural test clips, per-step times
          --model       a checkpoint written by dance train / dance ava (default: tiny C3D, 16x32x32, random weights)
          --controller  the controller written by dance aap for that model (its scale is read from the checkpoint);
                        without it, a random controller; with both, results go to plan-cpu.md
          --clips       distinct clips (default 16)
          --repeats     timed runs of every clip per round (default 5)
          --rounds      rounds, alternating dense and gated (default 3)
          --threads     kernel threads (default: all cores)
          --out         results folder (default: bench/results of the repository)
        """;

    /// <summary>Parses the arguments after <c>plan</c>; null (after printing why) when they are not valid.</summary>
    public static PlanBenchOptions? Parse(ReadOnlySpan<string> args)
    {
        string? model = null, controller = null, output = null;
        int clips = 16, repeats = 5, rounds = 3;
        int? threads = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model" when i + 1 < args.Length:
                    model = args[++i];
                    break;
                case "--controller" when i + 1 < args.Length:
                    controller = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--clips" when i + 1 < args.Length:
                    if (!Positive(args[++i], out clips)) return Fail($"--clips takes a positive number, got '{args[i]}'.");
                    break;
                case "--repeats" when i + 1 < args.Length:
                    if (!Positive(args[++i], out repeats)) return Fail($"--repeats takes a positive number, got '{args[i]}'.");
                    break;
                case "--rounds" when i + 1 < args.Length:
                    if (!Positive(args[++i], out rounds)) return Fail($"--rounds takes a positive number, got '{args[i]}'.");
                    break;
                case "--threads" when i + 1 < args.Length:
                    if (!Positive(args[++i], out int t)) return Fail($"--threads takes a positive number, got '{args[i]}'.");
                    threads = t;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return null;
                default:
                    return Fail($"Unknown option '{args[i]}'.");
            }
        }
        if (controller is not null && model is null) return Fail("--controller needs the --model it was trained for.");
        return new PlanBenchOptions(model, controller, clips, repeats, rounds, threads, output);
    }

    private static bool Positive(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value > 0;

    private static PlanBenchOptions? Fail(string message)
    {
        Console.Error.WriteLine($"{message}\n{Usage}");
        return null;
    }
}
