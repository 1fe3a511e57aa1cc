using NativeDance.Autograd;
using NativeDance.Models.Layers;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// FBS's saliency predictors (Gao et al., "Dynamic Channel Pruning: Feature Boosting and Suppression", ICLR 2019), one
/// per gate: the channel means of the conv input [N, C] -> Linear(C, C) -> ReLU give each channel's saliency for the clip.
/// Initialised to s_c = (1 - a) + a * m_c / mu with a = 1/20 and mu the mean channel mean over training clips, so at the
/// start the channels strongest in the clip win (DANCE's channel criterion, and the L1-magnitude intuition of static
/// pruning) while kept channels are scaled by about one: a larger a would amplify strong channels many times over and
/// derail the trained backbone. Training then reshapes both the ranking and the scales.
/// </summary>
public sealed class SaliencyPredictors
{
    private const float Sensitivity = 0.05f;
    private readonly Linear[] _layers;

    /// <summary>Creates one predictor per entry of <paramref name="channelMeans"/> (gate index -> every channel's mean over training clips).</summary>
    /// <exception cref="ArgumentException">No gates, or a gate without channels.</exception>
    public SaliencyPredictors(IReadOnlyList<float[]> channelMeans)
    {
        if (channelMeans.Count == 0 || channelMeans.Any(m => m.Length == 0))
            throw new ArgumentException($"Saliency predictors need at least one gate with channels, got {channelMeans.Count} gates.", nameof(channelMeans));
        _layers = new Linear[channelMeans.Count];
        for (int g = 0; g < _layers.Length; g++)
        {
            int channels = channelMeans[g].Length;
            float mu = channelMeans[g].Average();
            var layer = _layers[g] = new Linear(channels, channels);
            var w = layer.Weight.Value.Span;
            w.Clear();
            for (int c = 0; c < channels; c++) w[c * channels + c] = mu > 0 ? Sensitivity / mu : 0f;
            layer.Bias!.Value.Span.Fill(1f - Sensitivity);
        }
    }

    /// <summary>Channels of every gate's input.</summary>
    public IEnumerable<int> Channels => _layers.Select(l => l.InFeatures);

    /// <summary>The predictors' trainable parameters.</summary>
    public IReadOnlyList<Variable> Parameters() => _layers.SelectMany(l => l.Parameters()).ToList();

    /// <summary>MACs of the predictor of a gate with <paramref name="channels"/> channels: the Linear layer.</summary>
    public static double LinearMacs(int channels) => (double)channels * channels;

    /// <summary>Saliencies [N, C] of gate <paramref name="gate"/>'s input [N, T, H, W, C].</summary>
    public Variable Saliency(int gate, Variable input)
    {
        var s = input.Shape;
        var means = Functional.Mean(Functional.Reshape(input, s[0], -1, s[4]), 1);
        return Functional.Relu(_layers[gate].Forward(means));
    }
}
