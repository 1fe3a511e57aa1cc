namespace NativeDance.Pruning.Dance;

/// <summary>
/// The three masks of one gate for one clip, computed in METHOD.md's order: frames (phi_t >= k_F * mean phi), then
/// channels over the kept frames (psi_c >= k_C * mean psi), then features (x >= k_E * mean of the kept frames and
/// channels, and x &gt; 0: an exact zero costs nothing to the sparse kernels either way). At least one frame is kept.
/// The soft scales turn each threshold test into sigmoid((score - threshold) / (T_s * scale)) for straight-through training.
/// </summary>
internal sealed class SampleMasks
{
    public SampleMasks(int frames, int channels)
    {
        Frames = new bool[frames];
        Channels = new bool[channels];
        FrameScores = new float[frames];
        ChannelScores = new float[channels];
    }

    public bool[] Frames { get; }
    public bool[] Channels { get; }
    public float[] FrameScores { get; }
    public float[] ChannelScores { get; }
    public float FrameThreshold { get; private set; }
    public float FrameScale { get; private set; }
    public float ChannelThreshold { get; private set; }
    public float ChannelScale { get; private set; }
    public float FeatureThreshold { get; private set; }
    public float FeatureScale { get; private set; }
    public int KeptFrames { get; private set; }
    public int KeptChannels { get; private set; }
    public long KeptFeatures { get; private set; }

    /// <summary>Computes the masks of <paramref name="x"/> ([T, H, W, C] of one clip) for multipliers (kF, kC, kE).</summary>
    public void Compute(ReadOnlySpan<float> x, int frames, int pixels, int channels, float kF, float kC, float kE)
    {
        int frameLength = pixels * channels;
        for (int t = 0; t < frames; t++)
        {
            double sum = 0;
            foreach (float v in x.Slice(t * frameLength, frameLength)) sum += v;
            FrameScores[t] = (float)(sum / frameLength);
        }
        FrameScale = Mean(FrameScores);
        FrameThreshold = kF * FrameScale;
        KeptFrames = 0;
        int best = 0;
        for (int t = 0; t < frames; t++)
        {
            Frames[t] = FrameScores[t] >= FrameThreshold;
            if (Frames[t]) KeptFrames++;
            if (FrameScores[t] > FrameScores[best]) best = t;
        }
        if (KeptFrames == 0)
        {
            Frames[best] = true;
            KeptFrames = 1;
        }

        var channelSums = new double[channels];
        for (int t = 0; t < frames; t++)
        {
            if (!Frames[t]) continue;
            var frame = x.Slice(t * frameLength, frameLength);
            for (int p = 0; p < pixels; p++)
                for (int c = 0; c < channels; c++) channelSums[c] += frame[p * channels + c];
        }
        for (int c = 0; c < channels; c++) ChannelScores[c] = (float)(channelSums[c] / ((double)KeptFrames * pixels));
        ChannelScale = Mean(ChannelScores);
        ChannelThreshold = kC * ChannelScale;
        KeptChannels = 0;
        double keptSum = 0;
        for (int c = 0; c < channels; c++)
        {
            Channels[c] = ChannelScores[c] >= ChannelThreshold;
            if (!Channels[c]) continue;
            KeptChannels++;
            keptSum += channelSums[c];
        }
        FeatureScale = KeptChannels == 0 ? 0f : (float)(keptSum / ((double)KeptFrames * pixels * KeptChannels));
        FeatureThreshold = kE * FeatureScale;
        KeptFeatures = 0;
        for (int t = 0; t < frames; t++)
        {
            if (!Frames[t]) continue;
            var frame = x.Slice(t * frameLength, frameLength);
            for (int i = 0; i < frame.Length; i++)
                if (Channels[i % channels] && KeepsFeature(frame[i])) KeptFeatures++;
        }
    }

    /// <summary>Whether a value survives the feature threshold (frame and channel masks checked separately).</summary>
    public bool KeepsFeature(float v) => v > 0f && v >= FeatureThreshold;

    private static float Mean(float[] values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return (float)(sum / Math.Max(1, values.Length));
    }
}
