using System.Numerics.Tensors;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// Cross-entropy of logits [B, classes] against integer labels [B], averaged over the batch, with PyTorch's optional
/// label smoothing ε: the target is (1 - ε) on the label plus ε / classes everywhere, so
/// loss_i = logsumexp(x_i) - (1 - ε) x_i[label] - ε mean(x_i). The batch sum is accumulated in double.
/// </summary>
/// <example><code>float loss = CrossEntropy.Forward(logits, labels, classes);
/// CrossEntropy.Backward(logits, labels, classes, dLogits);</code></example>
public static unsafe class CrossEntropy
{
    /// <summary>The mean loss over the batch.</summary>
    /// <exception cref="ArgumentException">The lengths disagree, a label is outside [0, classes) (the message names the label and its
    /// index), or the smoothing is outside [0, 1].</exception>
    public static float Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, float labelSmoothing = 0)
    {
        Validate(logits.Length, labels, classes, labelSmoothing);
        var (buffer, capacity) = NativeBufferPool.Rent(classes);
        try
        {
            var scratch = new Span<float>((void*)buffer, classes);
            double total = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                var x = logits.Slice(i * classes, classes);
                double loss = SoftmaxRow.LogSumExp(x, scratch) - (1 - (double)labelSmoothing) * x[labels[i]];
                if (labelSmoothing != 0) loss -= labelSmoothing * (double)TensorPrimitives.Sum(x) / classes;
                total += loss;
            }
            return (float)(total / labels.Length);
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>
    /// logitsGrad = lossGrad / B * (softmax(x) - target), the gradient of <paramref name="lossGrad"/> times the mean loss
    /// (overwritten, not accumulated).
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Forward"/>, or <paramref name="logitsGrad"/> differs in length from the logits.</exception>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> logitsGrad,
        float labelSmoothing = 0, float lossGrad = 1)
    {
        Validate(logits.Length, labels, classes, labelSmoothing);
        OpsArguments.Length(logitsGrad.Length, logits.Length, nameof(logitsGrad), $"logits [{labels.Length}, {classes}]");
        float scale = lossGrad / labels.Length, uniform = labelSmoothing / classes;
        for (int i = 0; i < labels.Length; i++)
        {
            var dx = logitsGrad.Slice(i * classes, classes);
            SoftmaxRow.Softmax(logits.Slice(i * classes, classes), dx);
            if (uniform != 0) TensorPrimitives.Subtract(dx, uniform, dx);
            dx[labels[i]] -= 1 - labelSmoothing;
            TensorPrimitives.Multiply(dx, scale, dx);
        }
    }

    private static void Validate(int logits, ReadOnlySpan<int> labels, int classes, float labelSmoothing)
    {
        OpsArguments.Positive(classes, nameof(classes));
        if (labels.IsEmpty || logits != (long)labels.Length * classes)
            throw new ArgumentException($"Cross-entropy logits have {logits} elements; {labels.Length} labels of {classes} classes need {(long)labels.Length * classes} (and at least one label).", nameof(labels));
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentException($"Label smoothing must lie in [0, 1], got {labelSmoothing}.", nameof(labelSmoothing));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"Label {labels[i]} at index {i} is outside [0, {classes}).", nameof(labels));
        }
    }
}
