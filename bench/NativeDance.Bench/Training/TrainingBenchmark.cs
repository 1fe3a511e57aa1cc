using System.Diagnostics;
using NativeDance.Data;
using NativeDance.Peers.Torch;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.Training;

/// <summary>
/// Training throughput, ours against libtorch, measured side by side in one process: at each thread count both warm
/// up, then every round times <see cref="TrainBenchOptions.Steps"/> steps of each, the order alternating from round
/// to round so that neither always runs first on a warm or a disturbed machine. Clips/s = steps * batch / time.
/// </summary>
internal static class TrainingBenchmark
{
    private const ulong Seed = 1;

    public static TrainingReport Run(TrainBenchOptions options)
    {
        LibTorch.EnsureLoaded();
        var clip = new ClipSpec(16, 32, 32, 3);
        using var data = new TrainingWorkload(clip, options.Batch, Seed);
        using var contestants = new TrainingContestants(data, Seed);

        // The first step starts from identical weights on identical clips: the losses must agree, which shows both
        // sides train the same model on the same data (they drift apart slowly afterwards through rounding).
        var firstLoss = (Ours: contestants.OurStep(), LibTorch: contestants.TheirStep());
        Console.WriteLine($"first-step loss: ours {firstLoss.Ours:F6}, libtorch {firstLoss.LibTorch:F6}");

        var rows = new List<TrainingRow>();
        foreach (int threads in options.Threads)
        {
            ParallelFor.Threads = threads;
            torch.set_num_threads(threads);
            for (int i = 0; i < options.Warmup; i++)
            {
                contestants.OurStep();
                contestants.TheirStep();
            }
            var ours = new List<double>();
            var theirs = new List<double>();
            float lastOurs = float.NaN, lastTheirs = float.NaN;
            for (int round = 0; round < options.Rounds; round++)
            {
                bool oursFirst = round % 2 == 0;
                if (oursFirst) ours.Add(Time(options, contestants.OurStep, ref lastOurs));
                theirs.Add(Time(options, contestants.TheirStep, ref lastTheirs));
                if (!oursFirst) ours.Add(Time(options, contestants.OurStep, ref lastOurs));
                Console.WriteLine($"{threads} thread(s), round {round + 1}/{options.Rounds}: ours {ours[^1]:F2} clips/s, libtorch {theirs[^1]:F2} clips/s");
            }
            rows.Add(new TrainingRow(threads, Statistics.Of(ours), Statistics.Of(theirs), lastOurs, lastTheirs));
        }
        return new TrainingReport(options, clip, data.Classes, TrainingContestants.Description, firstLoss.Ours, firstLoss.LibTorch, rows);

        static double Time(TrainBenchOptions options, Func<float> step, ref float lastLoss)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < options.Steps; i++) lastLoss = step();
            return options.Steps * options.Batch / clock.Elapsed.TotalSeconds;
        }
    }
}

/// <summary>Median, minimum and maximum of a series of rates.</summary>
internal sealed record Statistics(double Median, double Min, double Max)
{
    public static Statistics Of(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Statistics(median, sorted[0], sorted[^1]);
    }
}

/// <summary>One thread count's result: clips/s of each side over the rounds, and each side's last training loss.</summary>
internal sealed record TrainingRow(int Threads, Statistics Ours, Statistics LibTorch, float OursLastLoss, float LibTorchLastLoss)
{
    /// <summary>Our median rate over libtorch's (above 1: ours is faster).</summary>
    public double Speedup => Ours.Median / LibTorch.Median;
}
