namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>
/// Plain-loop references for a gate on one clip [T, P, C]: the decisions of the CPU plan's GatedConvStep (KeepFrames,
/// KeepChannels, written out in its order of double sums) and the masking pass of GatePasses.Masking.
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
    /// frames untouched) and returns the survivors and their reach, sum of frameFan[t] * pixelFan[p].
    /// </summary>
    public static (long Kept, long Reach) Mask(ReadOnlySpan<float> x, Span<float> y, Decision decision, int pixels, int channels,
        ReadOnlySpan<uint> pixelFan, ReadOnlySpan<uint> frameFan)
    {
        if (decision.KeptChannels.Length == 0) return (0, 0);
        var keep = new bool[channels];
        foreach (int c in decision.KeptChannels) keep[c] = true;
        long kept = 0, reach = 0;
        foreach (int t in decision.KeptFrames)
        for (int p = 0; p < pixels; p++)
        for (int c = 0; c < channels; c++)
        {
            int i = (t * pixels + p) * channels + c;
            float v = x[i];
            bool survives = keep[c] && v > 0f && v >= decision.FeatureThreshold;
            y[i] = survives ? v : 0f;
            if (!survives) continue;
            kept++;
            reach += (long)frameFan[t] * pixelFan[p];
        }
        return (kept, reach);
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
