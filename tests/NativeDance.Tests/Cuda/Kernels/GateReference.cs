using NativeDance.Pruning.Inference.Steps;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>
/// References for a gate on one clip [T, P, C]: the decisions of the CPU plan's GatedConvStep (KeepFrames and KeepChannels
/// are private to the step, so they are written out here in its order of double sums) and the plan's own statistics and
/// masking passes (GatePasses).
/// </summary>
internal static class GateReference
{
    public sealed record Decision(int[] KeptFrames, int[] KeptChannels, float FeatureThreshold);

    /// <summary>The decisions from per (frame, channel) sums [T, C] and the multipliers kF, kC, kE.</summary>
    public static Decision Decide(float[] sums, int frames, int pixels, int channels, float kF, float kC, float kE)
    {
        var frameScores = new float[frames];
        for (int t = 0; t < frames; t++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++) sum += sums[t * channels + c];
            frameScores[t] = (float)(sum / ((double)pixels * channels));
        }
        float frameThreshold = kF * Mean(frameScores);
        var keptFrames = new List<int>();
        int best = 0;
        for (int t = 0; t < frames; t++)
        {
            if (frameScores[t] >= frameThreshold) keptFrames.Add(t);
            if (frameScores[t] > frameScores[best]) best = t;
        }
        if (keptFrames.Count == 0) keptFrames.Add(best);

        var channelSums = new double[channels];
        var channelScores = new float[channels];
        double count = (double)keptFrames.Count * pixels;
        for (int c = 0; c < channels; c++)
        {
            foreach (int t in keptFrames) channelSums[c] += sums[t * channels + c];
            channelScores[c] = (float)(channelSums[c] / count);
        }
        float channelThreshold = kC * Mean(channelScores);
        var keptChannels = new List<int>();
        double keptSum = 0;
        for (int c = 0; c < channels; c++)
        {
            if (channelScores[c] < channelThreshold) continue;
            keptChannels.Add(c);
            keptSum += channelSums[c];
        }
        float scale = keptChannels.Count == 0 ? 0f : (float)(keptSum / (count * keptChannels.Count));
        return new Decision([.. keptFrames], [.. keptChannels], kE * scale);
    }

    /// <summary>
    /// Applies <paramref name="decision"/> to <paramref name="x"/> over the kept frames into <paramref name="y"/> (other
    /// frames untouched) with the plan's own masking pass, and returns the survivors and their reach, the sum of
    /// frameFan[t] * pixelFan[p] (GatedConvStep's reach before the output channels). No kept channel: no pass, as in the plan.
    /// </summary>
    public static unsafe (long Kept, long Reach) Mask(float[] x, float[] y, Decision decision, int pixels, int channels,
        ReadOnlySpan<uint> pixelFan, ReadOnlySpan<uint> frameFan)
    {
        if (decision.KeptChannels.Length == 0) return (0, 0);
        var bits = new int[channels];
        foreach (int c in decision.KeptChannels) bits[c] = -1;
        var fan = new int[pixels];
        for (int p = 0; p < pixels; p++) fan[p] = (int)pixelFan[p];
        int frames = decision.KeptFrames.Length;
        var keptPerFrame = new long[frames];
        var reachPerFrame = new long[frames];
        fixed (float* input = x, output = y)
        fixed (int* keptFrames = decision.KeptFrames, pixelFans = fan, channelBits = bits)
        fixed (long* kept = keptPerFrame, reach = reachPerFrame)
        {
            var masking = new GatePasses.Masking
            {
                Input = input, Output = output, KeptFrames = keptFrames, PixelFan = pixelFans, ChannelBits = channelBits,
                Kept = kept, Reach = reach, Pixels = pixels, Channels = channels, Threshold = decision.FeatureThreshold,
            };
            for (int i = 0; i < frames; i++) masking.Invoke(i);
        }
        long reachTotal = 0;
        for (int i = 0; i < frames; i++) reachTotal += frameFan[decision.KeptFrames[i]] * reachPerFrame[i];
        return (keptPerFrame.Sum(), reachTotal);
    }

    /// <summary>The plan's statistics pass on one clip: per (frame, channel) sums [T, C] of x, ReLU and write-back as asked.</summary>
    public static unsafe float[] Statistics(float[] x, int frames, int pixels, int channels, bool rectify, bool writeBack)
    {
        var sums = new float[frames * channels];
        fixed (float* input = x, output = sums)
        {
            var statistics = new GatePasses.Statistics
            {
                Input = input, Sums = output, Pixels = pixels, Channels = channels, Rectify = rectify, WriteBack = writeBack,
            };
            for (int t = 0; t < frames; t++) statistics.Invoke(t);
        }
        return sums;
    }

    /// <summary>Per (frame, channel) sums folded from partial sums [S, T, C] in slice order, in float as the kernel folds.</summary>
    public static float[] Fold(float[] partials, int slices, int frames, int channels)
    {
        var sums = new float[frames * channels];
        for (int s = 0; s < slices; s++)
        for (int i = 0; i < sums.Length; i++)
            sums[i] += partials[s * sums.Length + i];
        return sums;
    }

    private static float Mean(float[] values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return (float)(sum / Math.Max(1, values.Length));
    }
}
