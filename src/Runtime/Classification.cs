namespace NativeDance.Runtime;

/// <summary>What the allocation-free <see cref="VideoClassifier.Classify(ReadOnlySpan{float}, Span{float})"/> found for one clip.</summary>
/// <param name="ClassIndex">The class with the largest logit.</param>
/// <param name="ExecutedMacRatio">Conv MACs the kernels executed over those of the dense network (1 when dense).</param>
/// <param name="MacRatio">METHOD.md's R(x): the conv MACs the masks left over the dense ones (1 when dense).</param>
public readonly record struct Prediction(int ClassIndex, double ExecutedMacRatio, double MacRatio);

/// <summary>The class of one clip, the scores behind it, and what DANCE's gating did.</summary>
/// <param name="ClassIndex">The class with the largest logit.</param>
/// <param name="Label">That class's name, where the checkpoint records class names; null otherwise.</param>
/// <param name="Logits">One score per class.</param>
/// <param name="Probabilities">Softmax of the logits.</param>
/// <param name="ExecutedMacRatio">Conv MACs the kernels executed over those of the dense network (1 when dense).</param>
/// <param name="MacRatio">METHOD.md's R(x): the conv MACs the masks left over the dense ones (1 when dense).</param>
public sealed record Classification(int ClassIndex, string? Label, float[] Logits, float[] Probabilities, double ExecutedMacRatio, double MacRatio)
{
    /// <summary>The probability of the predicted class.</summary>
    public float Confidence => Probabilities[ClassIndex];

    /// <summary>The label, or "class N" where the checkpoint records no names.</summary>
    public string Name => Label ?? $"class {ClassIndex}";
}
