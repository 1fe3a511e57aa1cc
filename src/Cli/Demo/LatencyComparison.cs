using System.Diagnostics;
using NativeDance.Cli.Benchmarks;
using NativeDance.Data.Loading;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;

namespace NativeDance.Cli.Demo;

/// <summary>
/// Times our dense inference plan against the DANCE-gated plan on the same test clips, one clip at a time (batch 1);
/// also sums the conv work both executed. Each round runs every clip through one plan, then through the other, and the
/// rounds alternate which plan goes first: a deployed plan runs clip after clip, so each is timed with its own data in
/// the caches (interleaving the two clip by clip would time each cold, after the other plan's run), while alternating
/// rounds still spread any drift of the machine over both.
/// </summary>
internal static class LatencyComparison
{
    /// <summary>
    /// Timed rounds: each runs every clip through both plans, one plan after the other. About 5 seconds in all on the
    /// demo's 64 clips: on a shared machine a second of timing can fall in one burst of another process's work.
    /// </summary>
    public const int Rounds = 30;

    // Enough runs for the JIT to promote every step's code to its optimised tier before anything is timed.
    private const int WarmupRuns = 64;

    public static LatencyResult Measure(Module dense, Module backbone, AapController controller, float scale, ClipLoader test, int clips)
    {
        var shape = test.ClipSpec;
        using var densePlan = InferencePlan.Compile(dense, shape.Frames, shape.Height, shape.Width);
        using var gatedPlan = InferencePlan.Compile(backbone, shape.Frames, shape.Height, shape.Width, controller, scale);
        var inputs = TestClips(test, clips, densePlan.ClipLength);
        int count = inputs.Length / densePlan.ClipLength;
        var logits = new float[densePlan.Classes];
        var denseTimes = new List<double>();
        var gatedTimes = new List<double>();
        long denseBytes = 0, gatedBytes = 0;
        double maskedBytes = 0;
        // Untimed warm-up; its first pass over the clips also counts the bytes each plan's kernels move, once per clip.
        for (int i = 0; i < Math.Max(WarmupRuns, count); i++)
        {
            var clip = inputs.AsSpan(i % count * densePlan.ClipLength, densePlan.ClipLength);
            densePlan.Run(clip, logits);
            gatedPlan.Run(clip, logits);
            if (i >= count) continue;
            denseBytes += densePlan.Counters.Total.TotalBytes;
            gatedBytes += gatedPlan.Counters.Total.TotalBytes;
            maskedBytes += gatedPlan.Counters.MaskedBytesRatio;
        }
        // The demo's training stages leave garbage behind: collect it now, not in the middle of a timed run.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        for (int round = 0; round < Rounds; round++)
        {
            bool denseFirst = round % 2 == 0;
            TimeAll(denseFirst ? densePlan : gatedPlan, denseFirst ? denseTimes : gatedTimes);
            TimeAll(denseFirst ? gatedPlan : densePlan, denseFirst ? gatedTimes : denseTimes);
        }

        void TimeAll(InferencePlan plan, List<double> times)
        {
            for (int i = 0; i < count; i++) times.Add(Time(plan, inputs.AsSpan(i * plan.ClipLength, plan.ClipLength), logits));
        }

        return new LatencyResult(TimingStatistics.FromSamples([.. denseTimes]).MedianMs, TimingStatistics.FromSamples([.. gatedTimes]).MedianMs,
            maskedBytes / count, (double)gatedBytes / denseBytes, count);
    }

    private static double Time(InferencePlan plan, ReadOnlySpan<float> clip, Span<float> logits)
    {
        long start = Stopwatch.GetTimestamp();
        plan.Run(clip, logits);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The first <paramref name="clips"/> test clips, back to back.</summary>
    private static float[] TestClips(ClipLoader test, int clips, int clipLength)
    {
        var values = new List<float>();
        foreach (var batch in test.ReadEpoch(0))
        {
            int take = Math.Min(batch.Count, clips - values.Count / clipLength);
            values.AddRange(batch.Clips.Span[..(take * clipLength)]);
            if (values.Count / clipLength >= clips) break;
        }
        if (values.Count == 0) throw new ArgumentException("The test split has no clips to time.");
        return values.ToArray();
    }
}
