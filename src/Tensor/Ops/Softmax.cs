using System.Numerics.Tensors;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// Softmax along the last axis: rows of <c>length</c> values, y = exp(x) / Σ exp(x), computed stably (the row maximum
/// is subtracted first). Works row by row: it is meant for class scores, which are small.
/// </summary>
/// <example><code>Softmax.Forward(logits, probabilities, length: classes);
/// Softmax.Backward(probabilities, dProbabilities, dLogits, length: classes);</code></example>
public static class Softmax
{
    /// <summary>Softmax of each row. <paramref name="output"/> may be <paramref name="input"/> itself.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a positive multiple of <paramref name="length"/>.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int length)
    {
        int rows = SoftmaxRow.Rows(input.Length, output.Length, length);
        for (int r = 0; r < rows; r++)
            SoftmaxRow.Softmax(input.Slice(r * length, length), output.Slice(r * length, length));
    }

    /// <summary>
    /// inputGrad = y * (dy - Σ dy * y) per row, from the forward's <paramref name="output"/> y.
    /// <paramref name="inputGrad"/> may be <paramref name="outputGrad"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a positive multiple of <paramref name="length"/>.</exception>
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int length)
    {
        int rows = SoftmaxRow.Rows(output.Length, outputGrad.Length, length);
        SoftmaxRow.Rows(output.Length, inputGrad.Length, length);
        for (int r = 0; r < rows; r++)
        {
            var y = output.Slice(r * length, length);
            var dx = inputGrad.Slice(r * length, length);
            float dot = TensorPrimitives.Dot(outputGrad.Slice(r * length, length), y);
            TensorPrimitives.Subtract(outputGrad.Slice(r * length, length), dot, dx);
            TensorPrimitives.Multiply(dx, y, dx);
        }
    }
}
