using NativeDance.Tensors;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// The controller's view of a clip, read off the first conv layer's activation A_1 [N, T, H, W, C] (METHOD.md): per-channel
/// mean and standard deviation, per-frame mean, temporal-difference energy d_t = mean |A_1[t] - A_1[t-1]| (a motion cue)
/// and the fraction of near-zero activations. 2C + 2T numbers per clip.
/// </summary>
public static class ControllerFeatures
{
    /// <summary>Activations at or below this count as near zero.</summary>
    public const float NearZero = 1e-3f;

    /// <summary>Feature count for an A_1 with <paramref name="channels"/> channels and <paramref name="frames"/> frames.</summary>
    public static int Count(int channels, int frames) => 2 * channels + 2 * frames;

    /// <summary>Computes the raw (unnormalised) features of every clip: [N, 2C + 2T].</summary>
    public static Tensor Compute(Tensor firstActivation)
    {
        var shape = firstActivation.Shape;
        int n = shape[0], frames = shape[1], pixels = shape[2] * shape[3], channels = shape[4];
        int frameLength = pixels * channels, clip = frames * frameLength;
        var features = Tensor.Uninitialized(new Shape(n, Count(channels, frames)));
        using var dense = firstActivation.Contiguous();
        var a = dense.Span;
        var sum = new double[channels];
        var squares = new double[channels];
        for (int s = 0; s < n; s++)
        {
            var x = a.Slice(s * clip, clip);
            var f = features.Span.Slice(s * Count(channels, frames), Count(channels, frames));
            Array.Clear(sum);
            Array.Clear(squares);
            long nearZero = 0;
            for (int t = 0; t < frames; t++)
            {
                double frameSum = 0, motion = 0;
                for (int i = 0; i < frameLength; i++)
                {
                    float v = x[t * frameLength + i];
                    sum[i % channels] += v;
                    squares[i % channels] += (double)v * v;
                    frameSum += v;
                    if (v <= NearZero) nearZero++;
                    if (t > 0) motion += Math.Abs(v - x[(t - 1) * frameLength + i]);
                }
                f[2 * channels + t] = (float)(frameSum / frameLength);
                if (t > 0) f[2 * channels + frames + t - 1] = (float)(motion / frameLength);
            }
            double count = (double)frames * pixels;
            for (int c = 0; c < channels; c++)
            {
                double mean = sum[c] / count;
                f[c] = (float)mean;
                f[channels + c] = (float)Math.Sqrt(Math.Max(0, squares[c] / count - mean * mean));
            }
            f[^1] = (float)((double)nearZero / clip);
        }
        return features;
    }
}
