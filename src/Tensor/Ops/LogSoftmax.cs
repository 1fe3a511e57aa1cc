using System.Numerics.Tensors;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// Log-softmax along the last axis: rows of <c>length</c> values, y = x - log Σ exp(x), computed stably as
/// x - max - log Σ exp(x - max). Works row by row: it is meant for class scores, which are small.
/// </summary>
/// <example><code>LogSoftmax.Forward(logits, logProbabilities, length: classes);
/// LogSoftmax.Backward(logProbabilities, dLogProbabilities, dLogits, length: classes);</code></example>
public static class LogSoftmax
{
    /// <summary>Log-softmax of each row. <paramref name="output"/> serves as scratch, so it must not overlap <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a positive multiple of <paramref name="length"/>, or the buffers overlap.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int length)
    {
        int rows = SoftmaxRow.Rows(input.Length, output.Length, length);
        OpsArguments.Disjoint(input, output, nameof(input), nameof(output));
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * length, length);
            var y = output.Slice(r * length, length);
            TensorPrimitives.Subtract(x, SoftmaxRow.LogSumExp(x, y), y);
        }
    }

    /// <summary>
    /// inputGrad = dy - exp(y) * Σ dy per row, from the forward's <paramref name="output"/> y.
    /// <paramref name="inputGrad"/> may be <paramref name="output"/> itself but must not overlap <paramref name="outputGrad"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a positive multiple of <paramref name="length"/>, or the buffers overlap.</exception>
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int length)
    {
        int rows = SoftmaxRow.Rows(output.Length, outputGrad.Length, length);
        SoftmaxRow.Rows(output.Length, inputGrad.Length, length);
        OpsArguments.Disjoint(outputGrad, inputGrad, nameof(outputGrad), nameof(inputGrad));
        for (int r = 0; r < rows; r++)
        {
            var dy = outputGrad.Slice(r * length, length);
            var dx = inputGrad.Slice(r * length, length);
            float sum = TensorPrimitives.Sum(dy);
            TensorPrimitives.Exp(output.Slice(r * length, length), dx);
            TensorPrimitives.MultiplyAdd(dx, -sum, dy, dx);
        }
    }
}
