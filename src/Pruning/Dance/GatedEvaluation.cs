using NativeDance.Autograd;
using NativeDance.Data.Loading;
using NativeDance.Models.Training;

namespace NativeDance.Pruning.Dance;

/// <summary>Accuracy, executed-MAC ratio and per-gate keep ratios of a gated network over a split.</summary>
/// <param name="Accuracy">Top-1 accuracy.</param>
/// <param name="MeanMacRatio">Mean R(x) over clips.</param>
/// <param name="MacRatios">R(x) of every clip.</param>
/// <param name="Gates">Per gate: mean frame, channel and feature keep ratios and mean MAC fraction.</param>
public sealed record GatedEvaluation(double Accuracy, double MeanMacRatio, double[] MacRatios, IReadOnlyList<(int Gate, double Frames, double Channels, double Features, double Macs)> Gates)
{
    /// <summary>Runs <paramref name="gated"/> (hard masks) over one pass of <paramref name="loader"/>.</summary>
    public static GatedEvaluation Measure(GatedForward gated, ClipLoader loader, float surrogateTemperature = 0.1f)
    {
        var ratios = new List<double>();
        var sums = new SortedDictionary<int, double[]>();
        int correct = 0;
        using var noGrad = GradMode.NoGrad();
        foreach (var batch in loader.ReadEpoch(0))
        {
            if (batch.Count == 0) continue;
            using var scope = new GraphScope();
            var logits = gated.Run(Variable.Constant(batch.Clips), surrogateTemperature, out var ratio);
            for (int i = 0; i < batch.Count; i++)
            {
                ratios.Add(ratio.Value[i]);
                if (Evaluator.ArgMax(logits.Value, i) == batch.Labels[i]) correct++;
            }
            foreach (var r in gated.Records)
            {
                var s = sums.TryGetValue(r.Gate, out var existing) ? existing : sums[r.Gate] = new double[4];
                s[0] += r.FrameKeep.Sum();
                s[1] += r.ChannelKeep.Sum();
                s[2] += r.FeatureKeep.Sum();
                s[3] += r.MacFraction.Sum();
            }
        }
        int n = Math.Max(1, ratios.Count);
        return new GatedEvaluation((double)correct / n, ratios.Count == 0 ? double.NaN : ratios.Average(), ratios.ToArray(),
            sums.Select(kv => (kv.Key, kv.Value[0] / n, kv.Value[1] / n, kv.Value[2] / n, kv.Value[3] / n)).ToList());
    }
}
