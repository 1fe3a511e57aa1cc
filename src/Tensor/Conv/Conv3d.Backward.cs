using System.Numerics.Tensors;

namespace NativeDance.Tensors.Conv;

public static partial class Conv3d
{
    /// <summary>
    /// Gradient of the loss with respect to the conv input: gradInput = d(loss)/d(input) given
    /// <paramref name="gradOutput"/> = d(loss)/d(output). <paramref name="gradInput"/> is overwritten, not accumulated.
    /// Layouts: gradOutput [N, To, Ho, Wo, Cout], weight [kT, kH, kW, Cin/groups, Cout], gradInput [N, T, H, W, Cin].
    /// </summary>
    /// <remarks>
    /// Algorithm by shape: depthwise convs (one input and one output channel per group) run a direct kernel
    /// vectorised over channels, since their per-group GEMMs would have an inner dimension of 1; a 1x1x1 kernel with
    /// stride 1 and no padding is one GEMM per group (gradOutput x weight^T), needing no im2col; any other dense
    /// unit-stride conv runs as the forward implicit-GEMM conv of gradOutput with the flipped, channel-swapped weight
    /// (as fast as a forward pass, no scatter); strided and grouped convs use a blocked col2im (a GEMM produces column
    /// gradients, which are scatter-added into gradInput) or the column-gather transposed conv, whichever moves fewer elements.
    /// </remarks>
    /// <example><code>Conv3d.BackwardInput(g, gradOutput, weight, gradInput);</code></example>
    /// <exception cref="ArgumentException">A buffer's length does not match <paramref name="g"/>; the message names the
    /// buffer and the shape it needs.</exception>
    public static void BackwardInput(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        RequireLength(g, nameof(gradOutput), gradOutput.Length, g.OutputLength, static c => c.OutputShape);
        RequireLength(g, nameof(weight), weight.Length, g.WeightLength, static c => c.WeightShape);
        RequireLength(g, nameof(gradInput), gradInput.Length, g.InputLength, static c => c.InputShape);
        if (Conv3dBackwardDepthwise.Applies(g)) Conv3dBackwardDepthwise.Input(g, gradOutput, weight, gradInput);
        else if (Conv3dBackwardGemm.IsPointwise(g)) Conv3dBackwardGemm.PointwiseInput(g, gradOutput, weight, gradInput);
        else if (Conv3dBackwardTransposed.Applies(g)) Conv3dBackwardTransposed.Input(g, gradOutput, weight, gradInput);
        else Conv3dBackwardGemm.Input(g, gradOutput, weight, gradInput);
    }

    /// <summary>
    /// Gradients of the loss with respect to the weight and the bias, given the forward input and
    /// <paramref name="gradOutput"/>. Both gradients are overwritten, not accumulated. <paramref name="gradBias"/>
    /// may be empty when the conv has no bias. Layouts: input [N, T, H, W, Cin], gradOutput [N, To, Ho, Wo, Cout],
    /// gradWeight [kT, kH, kW, Cin/groups, Cout], gradBias [Cout].
    /// </summary>
    /// <remarks>
    /// Algorithm by shape: depthwise convs run a direct kernel vectorised over channels; a 1x1x1 kernel with stride 1
    /// and no padding is one GEMM per group (input^T x gradOutput); a conv with at most four input channels (a first
    /// layer) adds x * dY rows straight into the gradient (its GEMM would be a half-empty 81 x 16 tile); everything else
    /// gathers im2col tiles of the input and accumulates im2col^T x gradOutput tile by tile in GEMMs. gradBias is the
    /// column sum of gradOutput.
    /// </remarks>
    /// <example><code>Conv3d.BackwardWeight(g, input, gradOutput, gradWeight, gradBias);</code></example>
    /// <exception cref="ArgumentException">A buffer's length does not match <paramref name="g"/>; the message names the
    /// buffer and the shape it needs.</exception>
    public static void BackwardWeight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        Span<float> gradWeight, Span<float> gradBias)
    {
        RequireLength(g, nameof(input), input.Length, g.InputLength, static c => c.InputShape);
        RequireLength(g, nameof(gradOutput), gradOutput.Length, g.OutputLength, static c => c.OutputShape);
        RequireLength(g, nameof(gradWeight), gradWeight.Length, g.WeightLength, static c => c.WeightShape);
        if (!gradBias.IsEmpty) RequireLength(g, nameof(gradBias), gradBias.Length, g.OutChannels, static c => new Shape(c.OutChannels));
        if (Conv3dBackwardDepthwise.Applies(g)) Conv3dBackwardDepthwise.Weight(g, input, gradOutput, gradWeight);
        else if (Conv3dBackwardGemm.IsPointwise(g)) Conv3dBackwardGemm.PointwiseWeight(g, input, gradOutput, gradWeight);
        else if (Conv3dBackwardNarrowWeight.Applies(g)) Conv3dBackwardNarrowWeight.Weight(g, input, gradOutput, gradWeight);
        else Conv3dBackwardGemm.Weight(g, input, gradOutput, gradWeight);
        if (!gradBias.IsEmpty) SumRows(gradOutput, g.OutChannels, gradBias);
    }

    /// <summary>Like <see cref="Conv3dGeometry.RequireLength"/>, but builds the shape (an allocation) only to report a mismatch.</summary>
    private static void RequireLength(in Conv3dGeometry g, string name, int actual, int expected, Func<Conv3dGeometry, Shape> shape)
    {
        if (actual != expected) g.RequireLength(name, actual, expected, shape(g));
    }

    /// <summary>sums[c] = sum over rows r of rows[r * width + c]: the bias gradient, one vector add per output pixel.</summary>
    private static void SumRows(ReadOnlySpan<float> rows, int width, Span<float> sums)
    {
        sums.Clear();
        for (int offset = 0; offset < rows.Length; offset += width)
            TensorPrimitives.Add(sums, rows.Slice(offset, width), sums);
    }
}
