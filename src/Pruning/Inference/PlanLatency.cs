using System.Diagnostics;

namespace NativeDance.Pruning.Inference;

/// <summary>Per-clip latency of a plan: the median and the fastest single-clip run, in milliseconds.</summary>
/// <param name="MedianMs">Median over every timed run.</param>
/// <param name="MinMs">Fastest timed run.</param>
/// <param name="Runs">Timed runs.</param>
public readonly record struct PlanLatency(double MedianMs, double MinMs, int Runs)
{
    /// <summary>
    /// Runs every clip of <paramref name="clips"/> (clips back to back, <see cref="InferencePlan.ClipLength"/> values
    /// each) once to warm up, then <paramref name="repeats"/> more times, timing each run on its own.
    /// </summary>
    /// <exception cref="ArgumentException">The clips do not divide into whole clips, there are none, or repeats is not positive.</exception>
    public static PlanLatency Measure(InferencePlan plan, ReadOnlySpan<float> clips, int repeats)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (clips.Length == 0 || clips.Length % plan.ClipLength != 0)
            throw new ArgumentException($"{clips.Length} values are not a positive number of clips of {plan.ClipLength}.", nameof(clips));
        if (repeats <= 0) throw new ArgumentException($"Repeats must be positive, got {repeats}.", nameof(repeats));
        int count = clips.Length / plan.ClipLength;
        var logits = new float[plan.Classes];
        for (int i = 0; i < count; i++) plan.Run(clips.Slice(i * plan.ClipLength, plan.ClipLength), logits);
        var times = new double[count * repeats];
        for (int r = 0; r < repeats; r++)
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            plan.Run(clips.Slice(i * plan.ClipLength, plan.ClipLength), logits);
            times[r * count + i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        int n = times.Length;
        double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        return new PlanLatency(median, times[0], n);
    }
}
