using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors;

namespace NativeDance.Bench.EndToEnd;

/// <summary>
/// DANCE gating for a network that has no trained controller, at given keep ratios: a controller whose last layer has
/// zero weights, so that it gives every clip the same multipliers (k_F, k_C, k_E) per gate. The masks still depend on
/// the clip, as each threshold is a multiple of that clip's own mean statistic (METHOD.md); only the multipliers are
/// shared. They are set by bisection so that the gated plan's mean keep ratios on calibration clips meet the targets
/// per gate: frames first, then channels (over the kept frames), then features (over both), since each mask depends
/// on the ones before it.
/// </summary>
internal static class KeepRatioGating
{
    // Bisection brackets for k_F, k_C, k_E: the demo's keep ratios need frame and channel thresholds near the mean
    // statistic and feature thresholds of up to a few times the mean (its features keep 17-52%).
    private static readonly double[] MaxMultiplier = [2, 2, 4];
    private const int Steps = 6;
    // softplus(-30) is 1e-13: a multiplier of zero keeps everything.
    private const float KeepAllBias = -30f;

    /// <summary>The controller, and the keep ratios it reaches on <paramref name="clips"/>.</summary>
    public static AapController Calibrate(Module model, ModelSpec spec, float[] clips, IReadOnlyList<GateKeep> targets, Action<string> log)
    {
        int gates = ((IGatedNetwork)model).Gates.Count;
        if (targets.Count != gates) throw new ArgumentException($"{gates} gates need {gates} targets, got {targets.Count}.", nameof(targets));
        int features = FeatureCount(model, spec);
        var k = new double[gates, 3];
        for (int dimension = 0; dimension < 3; dimension++)
        {
            var low = new double[gates];
            var high = Enumerable.Repeat(MaxMultiplier[dimension], gates).ToArray();
            for (int step = 0; step < Steps; step++)
            {
                for (int g = 0; g < gates; g++) k[g, dimension] = (low[g] + high[g]) / 2;
                using var plan = InferencePlan.Compile(model, spec.Frames, spec.Size, spec.Size, Controller(features, k));
                var (kept, _) = GateKeep.Measure(plan, clips);
                for (int g = 0; g < gates; g++)
                {
                    // Keep ratios fall as the multiplier grows.
                    if (kept[g][dimension] > targets[g][dimension]) low[g] = k[g, dimension];
                    else high[g] = k[g, dimension];
                }
            }
            for (int g = 0; g < gates; g++) k[g, dimension] = (low[g] + high[g]) / 2;
            log($"  {spec.Architecture}: {"frame,channel,feature".Split(',')[dimension]} multipliers set");
        }
        return Controller(features, k);
    }

    /// <summary>A controller that outputs <paramref name="k"/> [gates, 3] for every clip.</summary>
    private static AapController Controller(int features, double[,] k)
    {
        int gates = k.GetLength(0);
        var controller = new AapController(features, gates);
        var parameters = controller.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value);
        parameters["fc3.weight"].Span.Clear();
        var bias = parameters["fc3.bias"].Span;
        for (int g = 0; g < gates; g++)
            for (int d = 0; d < 3; d++) bias[3 * g + d] = k[g, d] <= 0 ? KeepAllBias : (float)Math.Log(Math.Exp(k[g, d]) - 1);
        return controller;
    }

    private static int FeatureCount(Module model, ModelSpec spec)
    {
        using var clip = Tensor.Zeros(new Shape(1, spec.Frames, spec.Size, spec.Size, 3));
        using (GradMode.NoGrad())
        using (new GraphScope())
        {
            var shape = ((IGatedNetwork)model).ForwardStem(Variable.Constant(clip)).Shape;
            return ControllerFeatures.Count(shape[4], shape[1]);
        }
    }
}
