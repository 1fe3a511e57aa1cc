namespace NativeDance.Pruning.Reports;

/// <summary>One chart axis: its bounds, scale, tick positions and tick labels. Categorical axes place category i at value i.</summary>
internal sealed class Axis
{
    private Axis(double min, double max, bool log, bool categorical, double[] ticks, string[] labels)
    {
        Min = min;
        Max = max;
        IsLog = log;
        IsCategorical = categorical;
        Ticks = ticks;
        Labels = labels;
    }

    public double Min { get; }
    public double Max { get; }
    public bool IsLog { get; }
    public bool IsCategorical { get; }
    public IReadOnlyList<double> Ticks { get; }
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Position of <paramref name="value"/> along the axis: 0 at <see cref="Min"/>, 1 at <see cref="Max"/>.</summary>
    public double Fraction(double value) => IsLog
        ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
        : (value - Min) / (Max - Min);

    /// <summary>Whether <paramref name="value"/> can be placed on this axis (finite, and positive on a log axis).</summary>
    public bool CanPlot(double value) => double.IsFinite(value) && (!IsLog || value > 0);

    /// <summary>
    /// A numeric axis covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>] with nice bounds, unless
    /// <paramref name="fixedMin"/> or <paramref name="fixedMax"/> pin a bound; about <paramref name="maxTicks"/> ticks at most.
    /// </summary>
    public static Axis Numeric(double dataMin, double dataMax, bool log, double? fixedMin, double? fixedMax, string name, int maxTicks)
    {
        double min = fixedMin ?? dataMin, max = fixedMax ?? dataMax;
        if (fixedMin.HasValue && fixedMax.HasValue && !(fixedMin < fixedMax))
            throw new ArgumentException($"{name} axis range [{fixedMin}, {fixedMax}] is empty: the minimum must be below the maximum.");
        if (log && fixedMin is <= 0)
            throw new ArgumentException($"{name} axis is logarithmic but its minimum is {fixedMin}; it must be positive.");
        if (min > max) // one bound is pinned beyond all data: collapse onto it and let the tick search widen the range
        {
            if (fixedMin.HasValue)
                max = min;
            else
                min = max;
        }

        double lo, hi;
        double[] ticks;
        string[] labels;
        if (log)
        {
            (lo, hi, ticks) = NiceTicks.Log(min, max, maxTicks);
            labels = ticks.Select(NiceTicks.FormatValue).ToArray();
        }
        else
        {
            double step;
            (lo, hi, step, ticks) = NiceTicks.Linear(min, max, maxTicks);
            labels = NiceTicks.FormatLinear(ticks, step);
        }
        lo = fixedMin ?? lo;
        hi = fixedMax ?? hi;
        var keep = ticks.Select((t, i) => (t, i)).Where(p => p.t >= lo - 1e-9 * (hi - lo) && p.t <= hi + 1e-9 * (hi - lo)).ToArray();
        return new Axis(lo, hi, log, categorical: false, keep.Select(p => p.t).ToArray(), keep.Select(p => labels[p.i]).ToArray());
    }

    /// <summary>A categorical axis: category i sits at value i, the axis spans [-0.5, count - 0.5].</summary>
    public static Axis Categories(IReadOnlyList<string> names) =>
        new(-0.5, names.Count - 0.5, log: false, categorical: true,
            Enumerable.Range(0, names.Count).Select(i => (double)i).ToArray(), names.ToArray());
}
