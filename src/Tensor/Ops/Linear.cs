namespace NativeDance.Tensors.Ops;

/// <summary>
/// A fully connected layer, y = x W^T + b, in PyTorch's layout (see <see cref="LinearGeometry"/>). Every product is
/// one call of the row-major GEMM, which does the blocking and threading, except the forward pass of a single input,
/// a matrix-vector product that reads W once.
/// </summary>
/// <example><code>Linear.Forward(g, x, weight, bias, y);
/// Linear.Backward(g, x, weight, dy, dx, dWeight, dBias);</code></example>
public static unsafe class Linear
{
    /// <summary>output = input * weight^T + bias. An empty <paramref name="bias"/> means none.</summary>
    /// <exception cref="ArgumentException">A length does not match the geometry; the message names it.</exception>
    public static void Forward(in LinearGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        g.Require(input.Length, nameof(input), g.Batch, g.InFeatures);
        g.Require(weight.Length, nameof(weight), g.OutFeatures, g.InFeatures);
        g.Require(output.Length, nameof(output), g.Batch, g.OutFeatures);
        if (!bias.IsEmpty)
        {
            g.Require(bias.Length, nameof(bias), g.OutFeatures);
            for (int row = 0; row < g.Batch; row++) bias.CopyTo(output.Slice(row * g.OutFeatures, g.OutFeatures));
        }
        fixed (float* x = input, w = weight, y = output)
        {
            if (g.Batch == 1) Gemm.MatrixVector.Multiply(g.OutFeatures, g.InFeatures, w, x, y, accumulate: !bias.IsEmpty);
            else Gemm.Gemm.Multiply(false, true, g.Batch, g.OutFeatures, g.InFeatures, 1f, x, g.InFeatures, w, g.InFeatures, bias.IsEmpty ? 0f : 1f, y, g.OutFeatures);
        }
    }

    /// <summary>
    /// inputGrad = outputGrad * weight, weightGrad = outputGrad^T * input, biasGrad = column sums of outputGrad.
    /// Gradients are overwritten; an empty <paramref name="inputGrad"/> or <paramref name="biasGrad"/> is skipped.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match the geometry; the message names it.</exception>
    public static void Backward(in LinearGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        g.Require(input.Length, nameof(input), g.Batch, g.InFeatures);
        g.Require(weight.Length, nameof(weight), g.OutFeatures, g.InFeatures);
        g.Require(outputGrad.Length, nameof(outputGrad), g.Batch, g.OutFeatures);
        g.Require(weightGrad.Length, nameof(weightGrad), g.OutFeatures, g.InFeatures);
        if (!inputGrad.IsEmpty) g.Require(inputGrad.Length, nameof(inputGrad), g.Batch, g.InFeatures);
        if (!biasGrad.IsEmpty) g.Require(biasGrad.Length, nameof(biasGrad), g.OutFeatures);
        fixed (float* x = input, w = weight, dy = outputGrad, dx = inputGrad, dw = weightGrad)
        {
            if (dx != null)
                Gemm.Gemm.Multiply(false, false, g.Batch, g.InFeatures, g.OutFeatures, 1f, dy, g.OutFeatures, w, g.InFeatures, 0f, dx, g.InFeatures);
            Gemm.Gemm.Multiply(true, false, g.OutFeatures, g.InFeatures, g.Batch, 1f, dy, g.OutFeatures, x, g.InFeatures, 0f, dw, g.InFeatures);
            if (!biasGrad.IsEmpty) ColumnSums(dy, g.Batch, g.OutFeatures, biasGrad);
        }
    }

    private static void ColumnSums(float* rows, int count, int width, Span<float> sums)
    {
        var (buffer, capacity) = NativeBufferPool.Rent(2 * width);
        try
        {
            ChannelMoments.Sum(rows, null, null, null, 1, count, width, (double*)buffer, null);
            for (int c = 0; c < width; c++) sums[c] = (float)((double*)buffer)[c];
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }
}
