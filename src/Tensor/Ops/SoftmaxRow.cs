using System.Numerics.Tensors;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// Numerically stable softmax arithmetic on one row: the row maximum is subtracted before exponentiating, so no
/// exp overflows and the largest term is exactly 1.
/// </summary>
internal static class SoftmaxRow
{
    /// <summary>y = exp(x - max) / Σ exp(x - max). <paramref name="y"/> may be <paramref name="x"/> itself.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
        TensorPrimitives.Exp(y, y);
        TensorPrimitives.Multiply(y, 1f / TensorPrimitives.Sum(y), y);
    }

    /// <summary>log Σ exp(x), computed as max + log Σ exp(x - max); <paramref name="scratch"/> (row length) receives the exps.</summary>
    public static float LogSumExp(ReadOnlySpan<float> x, Span<float> scratch)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return max + MathF.Log(TensorPrimitives.Sum(scratch));
    }

    /// <summary>Rows of a pair of equally long buffers of <paramref name="length"/>-element rows.</summary>
    public static int Rows(int first, int second, int length)
    {
        int rows = OpsArguments.Rows(first, length, "input", nameof(length));
        if (second != first)
            throw new ArgumentException($"Softmax buffers differ in length: {first} and {second} elements.");
        return rows;
    }
}
