using System.Diagnostics;

namespace NativeDance.Cli.Benchmarks;

/// <summary>Median and minimum of repeated wall-clock measurements.</summary>
internal readonly record struct TimingStatistics(double MedianMs, double MinMs, int Rounds)
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="rounds"/> times timed.</summary>
    public static TimingStatistics Measure(Action action, int warmup, int rounds)
    {
        for (int i = 0; i < warmup; i++) action();
        var samples = new double[rounds];
        for (int i = 0; i < rounds; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return FromSamples(samples);
    }

    /// <summary>The median and minimum of <paramref name="samples"/> (milliseconds; sorted in place).</summary>
    public static TimingStatistics FromSamples(double[] samples)
    {
        Array.Sort(samples);
        int n = samples.Length;
        double median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
        return new TimingStatistics(median, samples[0], n);
    }
}
