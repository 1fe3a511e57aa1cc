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
        var parser = new OptionParser(Usage)
            .Text("--model", value => model = value)
            .Text("--controller", value => controller = value)
            .Text("--out", value => output = value)
            .Positive("--clips", n => clips = n)
            .Positive("--repeats", n => repeats = n)
            .Positive("--rounds", n => rounds = n)
            .Positive("--threads", n => threads = n);
        if (!parser.Parse(args)) return null;
        if (controller is not null && model is null)
        {
            parser.Fail("--controller needs the --model it was trained for.");
            return null;
        }
        return new PlanBenchOptions(model, controller, clips, repeats, rounds, threads, output);
    }
}
