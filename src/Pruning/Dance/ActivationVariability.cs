using NativeDance.Autograd;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// The squared coefficient of variation, CV2 = Var / Mean^2, of a conv input X_l [N, T, H, W, C] per clip at METHOD.md's
/// three granularities: over all elements (E), over the channel means m_c (C) and over the frame means m_t (F). CV2 is
/// scale-invariant, so it can only be raised by making some units strong and others silent, never by scaling weights.
/// </summary>
public static class ActivationVariability
{
    private const float Guard = 1e-12f;

    /// <summary>CV2 over every element of each clip: [N].</summary>
    public static Variable Elements(Variable x) => Cv2(Functional.Reshape(x, x.Shape[0], -1));

    /// <summary>CV2 over the channel means of each clip: [N].</summary>
    public static Variable Channels(Variable x)
    {
        var perChannel = Functional.Mean(Functional.Reshape(x, x.Shape[0], -1, x.Shape[4]), axis: 1);
        return Cv2(perChannel);
    }

    /// <summary>CV2 over the frame means of each clip: [N].</summary>
    public static Variable Frames(Variable x)
    {
        var perFrame = Functional.Mean(Functional.Reshape(x, x.Shape[0], x.Shape[1], -1), axis: 2);
        return Cv2(perFrame);
    }

    /// <summary>
    /// The across-batch variant: for each channel, CV2 of its mean over the clips of the batch, so a channel is pushed to
    /// be strong for some clips and silent for others. Returns [C].
    /// </summary>
    public static Variable AcrossBatchChannels(Variable x)
    {
        var perClipChannel = Functional.Mean(Functional.Reshape(x, x.Shape[0], -1, x.Shape[4]), axis: 1); // [N, C]
        return Cv2(Functional.Permute(perClipChannel, 1, 0));
    }

    /// <summary>Var / Mean^2 along the last axis of [B, K]: [B].</summary>
    private static Variable Cv2(Variable rows)
    {
        var mean = Functional.Mean(rows, axis: 1);
        var variance = Functional.Variance(rows, axis: 1);
        return variance / (Functional.Square(mean) + Guard);
    }
}
