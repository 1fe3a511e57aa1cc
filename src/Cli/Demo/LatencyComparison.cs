using System.Diagnostics;
using NativeDance.Cli.Benchmarks;
using NativeDance.Data.Loading;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;

namespace NativeDance.Cli.Demo;

/// <summary>
/// Times our dense inference plan against the DANCE-gated plan on the same test clips, one clip at a time (batch 1),
/// interleaved clip by clip so both see the same machine state; also sums the conv work both executed.
/// </summary>
internal static class LatencyComparison
{
    private const int Repeats = 3;

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
        for (int i = 0; i < WarmupRuns; i++)
        {
            var clip = inputs.AsSpan(i % count * densePlan.ClipLength, densePlan.ClipLength);
            densePlan.Run(clip, logits);
            gatedPlan.Run(clip, logits);
        }
        for (int round = 0; round <= Repeats; round++)
        for (int i = 0; i < count; i++)
        {
            var clip = inputs.AsSpan(i * densePlan.ClipLength, densePlan.ClipLength);
            double d = Time(densePlan, clip, logits), g = Time(gatedPlan, clip, logits);
            if (round == 0)
            {
                // The first round counts the bytes once per clip; it is not timed.
                denseBytes += densePlan.Counters.Total.TotalBytes;
                gatedBytes += gatedPlan.Counters.Total.TotalBytes;
                maskedBytes += gatedPlan.Counters.MaskedBytesRatio;
                continue;
            }
            denseTimes.Add(d);
            gatedTimes.Add(g);
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
