using NativeDance.Models.Modules;
using NativeDance.Models.Training;

namespace NativeDance.Pruning.Baselines;

/// <summary>Top-1 accuracy and executed-MAC ratios of a model run under a gate policy.</summary>
/// <param name="Accuracy">Fraction of clips whose top-1 prediction is the label.</param>
/// <param name="MacRatios">R(x) of every clip, in order.</param>
public sealed record PolicyEvaluation(double Accuracy, double[] MacRatios)
{
    /// <summary>Mean R(x) over the clips.</summary>
    public double MeanMacRatio => MacRatios.Length == 0 ? double.NaN : MacRatios.Average();

    /// <summary>
    /// Runs <paramref name="model"/> in evaluation mode with <paramref name="policy"/> at every gate over
    /// <paramref name="batches"/>, counting executed MACs with <paramref name="meter"/>.
    /// </summary>
    public static PolicyEvaluation Measure(Module model, GatePolicy policy, MacMeter meter, IEnumerable<LabeledBatch> batches)
    {
        var previous = policy.Meter;
        policy.Meter = meter;
        var ratios = new List<double>();
        int correct = 0;
        try
        {
            EvaluationPass.Run(model, policy, batches, batch => meter.Begin(batch.Labels.Length), (batch, logits) =>
            {
                policy.TakePenalty();
                ratios.AddRange(meter.Ratios());
                for (int i = 0; i < batch.Labels.Length; i++) if (Evaluator.ArgMax(logits, i) == batch.Labels[i]) correct++;
            });
        }
        finally
        {
            policy.Meter = previous;
        }
        return new PolicyEvaluation(ratios.Count == 0 ? double.NaN : (double)correct / ratios.Count, ratios.ToArray());
    }
}
