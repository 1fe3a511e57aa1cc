namespace NativeDance.Pruning.Baselines;

/// <summary>One evaluated setting of a method's knob.</summary>
/// <param name="Knob">The knob's value.</param>
/// <param name="MacRatio">The mean executed-MAC ratio it gave.</param>
public sealed record KnobPoint(double Knob, double MacRatio);

/// <summary>
/// Tunes a method's one knob to a target MAC ratio: the ratio must grow with the knob (more kept, more MACs) but may
/// move in steps (whole channels or frames). Safeguarded false position: each step interpolates inside the bracket,
/// every other step bisects it, so a step function cannot stall the search. Returns the evaluated point nearest the target.
/// </summary>
public static class KnobSearch
{
    /// <summary>Searches [<paramref name="low"/>, <paramref name="high"/>] for the knob whose ratio is nearest <paramref name="target"/>.</summary>
    /// <param name="ratioAt">The measured mean MAC ratio at a knob value (non-decreasing in the knob).</param>
    /// <param name="target">The MAC ratio sought, in (0, 1].</param>
    /// <param name="low">Smallest knob allowed.</param>
    /// <param name="high">Largest knob allowed.</param>
    /// <param name="tolerance">Stop once a ratio lies within this distance of the target.</param>
    /// <param name="maxEvaluations">Most evaluations of <paramref name="ratioAt"/> (at least 2: the bracket's ends).</param>
    /// <returns>The chosen point and every point evaluated, in order.</returns>
    /// <exception cref="ArgumentException">The target is outside (0, 1], the bracket is empty or the limits are not positive.</exception>
    public static (KnobPoint Best, IReadOnlyList<KnobPoint> Points) Find(Func<double, double> ratioAt, double target, double low, double high,
        double tolerance = 0.01, int maxEvaluations = 8)
    {
        TargetRatio.Require(target);
        if (!(low < high)) throw new ArgumentException($"The knob's bracket [{low}, {high}] is empty.", nameof(high));
        if (!(tolerance > 0) || maxEvaluations < 2) throw new ArgumentException($"Tolerance ({tolerance}) must be positive and evaluations ({maxEvaluations}) at least 2.");
        var points = new List<KnobPoint>();
        KnobPoint Evaluate(double knob)
        {
            var p = new KnobPoint(knob, ratioAt(knob));
            points.Add(p);
            return p;
        }
        KnobPoint Best() => points.OrderBy(p => Math.Abs(p.MacRatio - target)).ThenBy(p => p.MacRatio).First();

        var lo = Evaluate(low);
        if (lo.MacRatio >= target - tolerance) return (Best(), points);
        var hi = Evaluate(high);
        if (hi.MacRatio <= target + tolerance) return (Best(), points);
        for (int step = 0; points.Count < maxEvaluations; step++)
        {
            double span = hi.MacRatio - lo.MacRatio;
            double knob = step % 2 == 1 || !(span > 0)
                ? 0.5 * (lo.Knob + hi.Knob)
                : lo.Knob + (target - lo.MacRatio) / span * (hi.Knob - lo.Knob);
            // Keep interpolated steps strictly inside the bracket so it always shrinks.
            double margin = 0.02 * (hi.Knob - lo.Knob);
            knob = Math.Clamp(knob, lo.Knob + margin, hi.Knob - margin);
            var p = Evaluate(knob);
            if (Math.Abs(p.MacRatio - target) <= tolerance) break;
            if (p.MacRatio < target) lo = p;
            else hi = p;
        }
        return (Best(), points);
    }
}
