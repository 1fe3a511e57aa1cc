namespace NativeDance.Pruning.Dance;

/// <summary>Accuracy and mean executed-MAC ratio of a gated network at one calibration scale.</summary>
/// <param name="Scale">The global scale s multiplying every threshold multiplier.</param>
/// <param name="Accuracy">Top-1 accuracy on the calibration split.</param>
/// <param name="MacRatio">Mean R(x) on that split.</param>
public sealed record CalibrationPoint(float Scale, double Accuracy, double MacRatio);

/// <summary>
/// Picks DANCE's one deployment knob: the global scale s on every k, chosen on a validation split (never the test split)
/// as the scale with the lowest MAC ratio whose accuracy stays within <c>maxLoss</c> of the dense model's.
/// </summary>
public static class Calibration
{
    /// <summary>The default candidate scales, from cautious to aggressive.</summary>
    public static IReadOnlyList<float> DefaultScales { get; } = [0.25f, 0.5f, 0.7f, 0.85f, 1f, 1.15f, 1.3f, 1.5f];

    /// <summary>
    /// Evaluates every candidate with <paramref name="evaluate"/> and returns the chosen point and all points. When no
    /// candidate meets the target, the most accurate one is chosen (ties: the cheaper one).
    /// </summary>
    /// <exception cref="ArgumentException">No candidates, or a non-positive scale or negative loss target.</exception>
    public static (CalibrationPoint Chosen, IReadOnlyList<CalibrationPoint> Points) Choose(
        Func<float, (double Accuracy, double MacRatio)> evaluate, double denseAccuracy, double maxLoss, IReadOnlyList<float>? scales = null)
    {
        var candidates = scales ?? DefaultScales;
        if (candidates.Count == 0 || candidates.Any(s => !(s > 0))) throw new ArgumentException("Calibration needs positive candidate scales.", nameof(scales));
        if (maxLoss < 0) throw new ArgumentException($"The accuracy-loss target must not be negative, got {maxLoss}.", nameof(maxLoss));
        var points = candidates.Select(s =>
        {
            var (accuracy, ratio) = evaluate(s);
            return new CalibrationPoint(s, accuracy, ratio);
        }).ToList();
        var admissible = points.Where(p => p.Accuracy >= denseAccuracy - maxLoss - 1e-12).ToList();
        var chosen = admissible.Count > 0
            ? admissible.OrderBy(p => p.MacRatio).ThenByDescending(p => p.Accuracy).First()
            : points.OrderByDescending(p => p.Accuracy).ThenBy(p => p.MacRatio).First();
        return (chosen, points);
    }
}
