using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// Activation thresholding alone (FATReLU with an L1 activation penalty): one fixed threshold T_l per gated conv input,
/// no frame or channel masks, no controller. T_l is the q-quantile of layer l's input values on validation clips, with
/// one global q searched to the target MAC ratio. Steps: search q on the dense model; fine-tune with those thresholds in
/// place and beta * mean(X_l) added to the loss; re-measure the quantiles on the fine-tuned model and search q again
/// (thresholds are an inference-time knob); evaluate on the test split.
/// </summary>
/// <param name="options">Shared baseline settings.</param>
/// <param name="l1">beta, the weight of the L1 activation penalty.</param>
public sealed class ActivationThresholding(BaselineOptions? options = null, float l1 = 1e-3f) : BaselineMethod(options)
{
    private readonly float _l1 = l1 >= 0 ? l1 : throw new ArgumentException($"The L1 activation penalty must be non-negative, got {l1}.", nameof(l1));

    /// <inheritdoc />
    public override string Name => "activation thresholding (FATReLU + L1)";

    /// <inheritdoc />
    private protected override MethodResult Run(BaselineRun run, double targetMacRatio)
    {
        var (session, model, tuning, macs, clock) = run;
        var meter = new MacMeter(macs);

        var before = Tune(session, model, macs, meter, tuning, targetMacRatio, "dense");
        FineTuning.Run(session, Name, model, new ThresholdPolicy(before.Thresholds, _l1), Options.FineTuning);
        var after = Tune(session, model, macs, meter, tuning, targetMacRatio, "fine-tuned");
        string thresholds = string.Join(", ", after.Thresholds.Select(t => t.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)));
        return BaselineSteps.Test(session, Name, model, new ThresholdPolicy(after.Thresholds), meter, clock,
            $"quantile {after.Quantile:F3} of each layer's validation inputs (T = {thresholds}), beta {_l1:G2}, validation MAC ratio {after.MacRatio:F3}");
    }

    /// <summary>Measures the quantiles of <paramref name="model"/> and searches the global q (as 1 - q, so the ratio grows with the knob).</summary>
    private (float[] Thresholds, double Quantile, double MacRatio) Tune(PruningSession session, Module model, NetworkMacs macs, MacMeter meter,
        CachedBatches tuning, double target, string stage)
    {
        var quantiles = ActivationQuantiles.Measure(model, macs, tuning.Batches);
        var best = BaselineSteps.Tune(session, Options, $"{Name} ({stage}): 1 - q", keep =>
            PolicyEvaluation.Measure(model, new ThresholdPolicy(quantiles.Thresholds(1 - keep)), meter, tuning.Batches), target, 1e-3, 1.0);
        return (quantiles.Thresholds(1 - best.Knob), 1 - best.Knob, best.MacRatio);
    }
}
