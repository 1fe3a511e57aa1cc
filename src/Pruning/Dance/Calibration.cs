namespace NativeDance.Pruning.Dance;

/// <summary>Accuracy and mean executed-MAC ratio of a gated network at one calibration scale.</summary>
/// <param name="Scale">The global scale s multiplying every threshold multiplier.</param>
/// <param name="Accuracy">Top-1 accuracy on the calibration split.</param>
/// <param name="MacRatio">Mean R(x) on that split.</param>
public sealed record CalibrationPoint(float Scale, double Accuracy, double MacRatio);

/// <summary>
/// Picks DANCE's one deployment knob: the global scale s on every k, chosen on a validation split (never the test split)
/// as the scale with the lowest MAC ratio whose accuracy stays within <c>maxLoss</c> of the dense model's
/// (<see cref="Choose"/>), or, to compare methods at matched cost, as the scale whose MAC ratio is closest to a target
/// (<see cref="ChooseMacRatio"/>).
/// </summary>
public static class Calibration
{
    /// <summary>The default candidate scales, from cautious to aggressive.</summary>
    public static IReadOnlyList<float> DefaultScales { get; } = [0.25f, 0.5f, 0.7f, 0.85f, 1f, 1.15f, 1.3f, 1.5f];

    /// <summary>
    /// Evaluates every candidate with <paramref name="evaluate"/>, then narrows the step from the chosen scale to the
    /// next larger candidate when that one misses the target: <paramref name="refinements"/> times, the geometric
    /// midpoint of the last scale that met the target and the first that missed it. The grid alone would leave the
    /// savings between two of its scales unused (on the demo, 0.85 met the target and 1.0 did not). Returns the chosen
    /// point and all points, by scale. When no point meets the target, the most accurate one is chosen (ties: the
    /// cheaper one).
    /// </summary>
    /// <exception cref="ArgumentException">No candidates, a non-positive scale, a negative loss target or refinement count.</exception>
    public static (CalibrationPoint Chosen, IReadOnlyList<CalibrationPoint> Points) Choose(
        Func<float, (double Accuracy, double MacRatio)> evaluate, double denseAccuracy, double maxLoss, IReadOnlyList<float>? scales = null,
        int refinements = 3)
    {
        var candidates = scales ?? DefaultScales;
        if (candidates.Count == 0 || candidates.Any(s => !(s > 0))) throw new ArgumentException("Calibration needs positive candidate scales.", nameof(scales));
        if (maxLoss < 0) throw new ArgumentException($"The accuracy-loss target must not be negative, got {maxLoss}.", nameof(maxLoss));
        if (refinements < 0) throw new ArgumentException($"Refinements must not be negative, got {refinements}.", nameof(refinements));
        bool Meets(CalibrationPoint p) => p.Accuracy >= denseAccuracy - maxLoss - 1e-12;
        CalibrationPoint At(float scale)
        {
            var (accuracy, ratio) = evaluate(scale);
            return new CalibrationPoint(scale, accuracy, ratio);
        }
        var points = candidates.Select(At).ToList();
        CalibrationPoint? Cheapest() => points.Where(Meets).OrderBy(p => p.MacRatio).ThenByDescending(p => p.Accuracy).FirstOrDefault();
        if (Cheapest() is { } met && points.Where(p => p.Scale > met.Scale).MinBy(p => p.Scale) is { } missed && !Meets(missed))
        {
            float low = met.Scale, high = missed.Scale;
            for (int i = 0; i < refinements; i++)
            {
                var p = At(MathF.Sqrt(low * high));
                points.Add(p);
                if (Meets(p)) low = p.Scale;
                else high = p.Scale;
            }
        }
        var chosen = Cheapest() ?? points.OrderByDescending(p => p.Accuracy).ThenBy(p => p.MacRatio).First();
        return (chosen, points.OrderBy(p => p.Scale).ToList());
    }

    /// <summary>
    /// Finds the scale whose MAC ratio is closest to <paramref name="targetMacRatio"/>: starting from s = 1, doubles or
    /// halves s until the target is bracketed (raising s prunes more), then narrows the bracket by interpolating log s
    /// linearly in the MAC ratio (falling back to the geometric midpoint), at most <paramref name="refinements"/> times and
    /// until a point lies within <paramref name="tolerance"/> of the target. Returns the closest of all evaluated points
    /// (ties: the more accurate) and all points in evaluation order.
    /// </summary>
    /// <exception cref="ArgumentException">The target lies outside (0, 1], the refinement count or the tolerance is negative.</exception>
    public static (CalibrationPoint Chosen, IReadOnlyList<CalibrationPoint> Points) ChooseMacRatio(
        Func<float, (double Accuracy, double MacRatio)> evaluate, double targetMacRatio, int refinements = 6, double tolerance = 0.005)
    {
        if (!(targetMacRatio > 0 && targetMacRatio <= 1))
            throw new ArgumentException($"The target MAC ratio must lie in (0, 1], got {targetMacRatio}.", nameof(targetMacRatio));
        if (refinements < 0) throw new ArgumentException($"Refinements must not be negative, got {refinements}.", nameof(refinements));
        if (!(tolerance >= 0)) throw new ArgumentException($"The tolerance must not be negative, got {tolerance}.", nameof(tolerance));
        var points = new List<CalibrationPoint>();
        CalibrationPoint At(float scale)
        {
            var (accuracy, ratio) = evaluate(scale);
            var point = new CalibrationPoint(scale, accuracy, ratio);
            points.Add(point);
            return point;
        }
        bool Close(CalibrationPoint p) => Math.Abs(p.MacRatio - targetMacRatio) <= tolerance;

        // Bracket: `cautious` prunes too little (ratio above the target), `aggressive` too much; either may stay unknown
        // when the ratio saturates within the search range.
        const float MinScale = 1f / 64, MaxScale = 64f;
        CalibrationPoint? cautious = null, aggressive = null;
        var p = At(1f);
        if (p.MacRatio > targetMacRatio)
        {
            while (!Close(p) && p.MacRatio > targetMacRatio && p.Scale < MaxScale) (cautious, p) = (p, At(p.Scale * 2));
            if (p.MacRatio <= targetMacRatio) aggressive = p;
            else cautious = p;
        }
        else
        {
            while (!Close(p) && p.MacRatio <= targetMacRatio && p.Scale > MinScale) (aggressive, p) = (p, At(p.Scale / 2));
            if (p.MacRatio > targetMacRatio) cautious = p;
            else aggressive = p;
        }
        for (int i = 0; i < refinements && !Close(p) && cautious is not null && aggressive is not null; i++)
        {
            p = At(Between(cautious, aggressive, targetMacRatio));
            if (p.MacRatio > targetMacRatio) cautious = p;
            else aggressive = p;
        }
        var chosen = points.OrderBy(q => Math.Abs(q.MacRatio - targetMacRatio)).ThenByDescending(q => q.Accuracy).First();
        return (chosen, points);
    }

    /// <summary>
    /// The next scale inside the bracket: log s interpolated linearly in the MAC ratio, kept a tenth of the bracket away
    /// from either end (so a flat stretch of the curve cannot stall the search), the geometric midpoint when the ratios
    /// are equal.
    /// </summary>
    private static float Between(CalibrationPoint cautious, CalibrationPoint aggressive, double target)
    {
        double span = cautious.MacRatio - aggressive.MacRatio;
        double fraction = span > 0 ? Math.Clamp((cautious.MacRatio - target) / span, 0.1, 0.9) : 0.5;
        return (float)Math.Exp(Math.Log(cautious.Scale) + fraction * (Math.Log(aggressive.Scale) - Math.Log(cautious.Scale)));
    }
}
