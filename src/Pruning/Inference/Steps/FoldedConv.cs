using NativeDance.Models.Layers;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// A conv's weights, copied, with the batch norm that follows it folded in (eval statistics): with
/// s = gamma / sqrt(var + eps), w'[.., co] = w[.., co] * s[co] and b' = (b - mean) * s + beta. The weight layout
/// [kT, kH, kW, Cin, Cout] puts Cout last, so folding scales every row by the same vector.
/// </summary>
internal sealed class FoldedConv(Models.Layers.Conv3d conv)
{
    /// <summary>[kT, kH, kW, Cin, Cout].</summary>
    public float[] Weight { get; } = conv.Weight.Value.ToArray();

    /// <summary>[Cout].</summary>
    public float[] Bias { get; } = conv.Bias?.Value.ToArray() ?? new float[conv.OutChannels];

    /// <summary>Folds <paramref name="norm"/>, which normalises this conv's output, into the weights and bias.</summary>
    /// <exception cref="ArgumentException">The norm's channel count differs from the conv's outputs.</exception>
    public void Fold(BatchNorm3d norm)
    {
        int cout = Bias.Length;
        if (norm.Channels != cout)
            throw new ArgumentException($"Batch norm over {norm.Channels} channels cannot follow a conv with {cout} outputs.", nameof(norm));
        var gamma = norm.Weight.Value.ToArray();
        var beta = norm.Bias.Value.ToArray();
        var mean = norm.State.Mean.ToArray();
        var variance = norm.State.Variance.ToArray();
        var scale = new float[cout];
        for (int c = 0; c < cout; c++)
        {
            scale[c] = (float)(gamma[c] / Math.Sqrt((double)variance[c] + norm.Options.Epsilon));
            Bias[c] = (Bias[c] - mean[c]) * scale[c] + beta[c];
        }
        for (int row = 0; row < Weight.Length; row += cout)
            System.Numerics.Tensors.TensorPrimitives.Multiply(Weight.AsSpan(row, cout), scale, Weight.AsSpan(row, cout));
    }
}
