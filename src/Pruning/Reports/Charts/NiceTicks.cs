using System.Globalization;

namespace NativeDance.Pruning.Reports;

/// <summary>Axis bounds and tick positions on 1-2-5 steps (linear) or at 1-2-5 multiples of decades (logarithmic).</summary>
internal static class NiceTicks
{
    private static readonly double[] Mantissas = [1, 2, 5, 10];

    /// <summary>
    /// Linear ticks for data in [<paramref name="min"/>, <paramref name="max"/>]: the smallest 1-2-5 step that yields at most
    /// <paramref name="maxTicks"/> intervals, and bounds rounded outwards to multiples of it. A zero-width range is widened.
    /// </summary>
    public static (double Lo, double Hi, double Step, double[] Ticks) Linear(double min, double max, int maxTicks = 6)
    {
        CheckRange(min, max);
        if (min == max)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        double step = StepFor(max - min, maxTicks);
        double lo = Math.Floor(min / step + 1e-9) * step;
        double hi = Math.Ceiling(max / step - 1e-9) * step;
        int count = (int)Math.Round((hi - lo) / step) + 1;
        var ticks = new double[count];
        for (int i = 0; i < count; i++)
            ticks[i] = CleanMultiple(lo + i * step, step);
        return (ticks[0], ticks[^1], step, ticks);
    }

    /// <summary>
    /// Logarithmic ticks for positive data: bounds rounded outwards to 1, 2 or 5 times a power of ten; ticks at every
    /// decade (thinned to at most about <paramref name="maxTicks"/>), plus the 2 and 5 multiples when those fit the tick budget.
    /// </summary>
    public static (double Lo, double Hi, double[] Ticks) Log(double min, double max, int maxTicks = 8)
    {
        CheckRange(min, max);
        if (min <= 0)
            throw new ArgumentException($"A logarithmic axis needs positive values, got minimum {min}.");
        double lo = RoundToMantissa(min, up: false), hi = RoundToMantissa(max, up: true);
        if (lo == hi)
            (lo, hi) = (RoundToMantissa(lo * 0.99, up: false), RoundToMantissa(hi * 1.01, up: true));
        double decades = Math.Log10(hi / lo);
        int firstExp = (int)Math.Floor(Math.Log10(lo) + 1e-9), lastExp = (int)Math.Ceiling(Math.Log10(hi) - 1e-9);
        bool withMultiples = 3 * decades <= maxTicks;
        int stride = Math.Max(1, (int)Math.Ceiling(decades / Math.Max(1, maxTicks)));
        var ticks = new List<double>();
        for (int e = firstExp; e <= lastExp; e++)
        {
            if (!withMultiples && (e - firstExp) % stride != 0)
                continue;
            foreach (double m in withMultiples ? Mantissas[..3] : Mantissas[..1])
            {
                double v = m * Math.Pow(10, e);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                    ticks.Add(CleanMultiple(v, Math.Pow(10, e)));
            }
        }
        return (lo, hi, ticks.ToArray());
    }

    /// <summary>
    /// Labels for linear ticks with a shared number of decimals; values from 10^4 up get a k/M/G/T suffix (zero stays "0"),
    /// and steps needing more than 4 decimals switch to <see cref="FormatValue"/>.
    /// </summary>
    public static string[] FormatLinear(double[] ticks, double step)
    {
        double largest = ticks.Max(Math.Abs);
        int group = largest >= 1e4 ? Math.Min(4, (int)Math.Floor(Math.Log10(largest) / 3)) : 0;
        double divisor = Math.Pow(1000, group);
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step / divisor) - 1e-9));
        if (decimals > 4) // tiny steps read better in scientific notation than as runs of zeros
            return ticks.Select(FormatValue).ToArray();
        string suffix = group == 0 ? "" : "kMGT"[group - 1].ToString();
        return ticks.Select(v => group > 0 && v == 0 ? "0" : (v / divisor).ToString("F" + decimals, CultureInfo.InvariantCulture) + suffix).ToArray();
    }

    /// <summary>A short label for one value: k/M/G/T suffixes from 10^4 up, scientific notation below 10^-3.</summary>
    public static string FormatValue(double v)
    {
        double a = Math.Abs(v);
        if (a >= 1e4)
        {
            int group = Math.Min(4, (int)Math.Floor(Math.Log10(a) / 3));
            return (v / Math.Pow(1000, group)).ToString("0.##", CultureInfo.InvariantCulture) + "kMGT"[group - 1];
        }
        if (a > 0 && a < 1e-3)
            return v.ToString("0.##e0", CultureInfo.InvariantCulture);
        return v.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private static double StepFor(double range, int maxTicks)
    {
        if (maxTicks < 1)
            throw new ArgumentException($"maxTicks must be at least 1, got {maxTicks}.", nameof(maxTicks));
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(range / maxTicks)));
        foreach (double m in Mantissas)
            if (m * magnitude * maxTicks >= range * (1 - 1e-9))
                return m * magnitude;
        return 10 * magnitude;
    }

    private static double RoundToMantissa(double v, bool up)
    {
        double decade = Math.Pow(10, Math.Floor(Math.Log10(v)));
        double m = v / decade;
        double chosen = up
            ? Mantissas.First(c => c >= m * (1 - 1e-9))
            : Mantissas.Last(c => c <= m * (1 + 1e-9));
        return CleanMultiple(chosen * decade, decade);
    }

    // Removes accumulated floating-point noise (0.30000000000000004 -> 0.3) by snapping to the step's grid.
    private static double CleanMultiple(double v, double step)
    {
        double snapped = Math.Round(v / step) * step;
        return double.Parse(snapped.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static void CheckRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
            throw new ArgumentException($"Axis range [{min}, {max}] must be finite with min <= max.");
    }
}
