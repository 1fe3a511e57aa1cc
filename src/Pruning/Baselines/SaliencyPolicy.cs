using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// FBS channel gating at every gate: the predictor's saliencies s [N, C] pick, per clip, the k = ceil(rho * C) most
/// salient input channels (winner-take-all; ties go to the lower channel index); kept channels are multiplied by their
/// saliency, the others zeroed. Gradients reach the predictor through the kept saliencies and the backbone through the
/// kept channels.
/// </summary>
public sealed class SaliencyPolicy : GatePolicy
{
    private readonly SaliencyPredictors _predictors;

    /// <summary>Gates with <paramref name="predictors"/>, keeping the fraction <paramref name="rho"/> of channels.</summary>
    /// <exception cref="ArgumentException"><paramref name="rho"/> is outside (0, 1].</exception>
    public SaliencyPolicy(SaliencyPredictors predictors, double rho)
    {
        if (!(rho > 0 && rho <= 1)) throw new ArgumentException($"The kept channel fraction rho must lie in (0, 1], got {rho}.", nameof(rho));
        _predictors = predictors;
        Rho = rho;
    }

    /// <summary>Kept fraction of channels.</summary>
    public double Rho { get; }

    /// <summary>Channels kept out of <paramref name="channels"/>: ceil(rho * C), at least one.</summary>
    public int Kept(int channels) => Math.Clamp((int)Math.Ceiling(Rho * channels - 1e-9), 1, channels);

    /// <summary>
    /// The predictors' MACs per clip on <paramref name="macs"/>'s network, summed over gates: the channel means (one add
    /// per input element), the Linear layer, and the scaling of the kept channels (one multiply per kept element).
    /// </summary>
    public double OverheadMacs(NetworkMacs macs) => Enumerable.Range(0, macs.Gates.Count).Sum(gate =>
    {
        var input = macs.GateInput(gate);
        int channels = input[4];
        return input.ElementCount + SaliencyPredictors.LinearMacs(channels) + (double)input.ElementCount / channels * Kept(channels);
    });

    /// <inheritdoc />
    protected override Variable Apply(ActivationGate gate, Variable activation)
    {
        var saliency = _predictors.Saliency(gate.Index, activation);
        int n = saliency.Shape[0], channels = saliency.Shape[1], kept = Kept(channels);
        var mask = GraphScope.Track(Tensor.Zeros(saliency.Shape));
        using (var s = saliency.Value.Contiguous())
        {
            var order = new int[channels];
            var scores = new float[channels];
            for (int i = 0; i < n; i++)
            {
                s.Span.Slice(i * channels, channels).CopyTo(scores);
                for (int c = 0; c < channels; c++) order[c] = c;
                // Stable sort by descending saliency: equal saliencies keep the lower channel index first.
                Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]) is var byScore and not 0 ? byScore : a.CompareTo(b));
                var row = mask.Span.Slice(i * channels, channels);
                for (int j = 0; j < kept; j++) row[order[j]] = 1f;
            }
        }
        var scale = Functional.Reshape(saliency * Variable.Constant(mask), n, 1, 1, 1, channels);
        return activation * scale;
    }
}
