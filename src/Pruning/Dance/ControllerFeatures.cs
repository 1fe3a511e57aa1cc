using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        int clip = frames * pixels * channels, count = Count(channels, frames);
        var features = Tensor.Uninitialized(new Shape(n, count));
        using var dense = firstActivation.Contiguous();
        for (int s = 0; s < n; s++)
            Compute(dense.Span.Slice(s * clip, clip), frames, pixels, channels, features.Span.Slice(s * count, count));
        return features;
    }

    /// <summary>
    /// The raw features of one clip's A_1 ([T, H*W, C], <paramref name="pixels"/> = H*W) into <paramref name="features"/>
    /// (<see cref="Count"/> values), allocating nothing up to 1024 channels. Values are read through ReLU, so a stem output whose ReLU is still
    /// pending gives the features of its rectified values (what the inference plan passes). When
    /// <paramref name="frameChannelSums"/> is given ([T, C]), it receives every frame's per-channel float sums of the
    /// rectified values, summed pixel after pixel: what a gate on A_1 needs, so the plan reads A_1 once for both.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match the sizes.</exception>
    public static void Compute(ReadOnlySpan<float> clip, int frames, int pixels, int channels, Span<float> features, Span<float> frameChannelSums = default)
    {
        Validate(clip.Length, frames, pixels, channels, features, frameChannelSums);
        // Per frame, float sums per channel (at most H*W terms each), folded into double totals across frames.
        Span<float> frameSums = channels <= 1024 ? stackalloc float[2 * channels] : new float[2 * channels];
        Span<double> totals = channels <= 1024 ? stackalloc double[2 * channels] : new double[2 * channels];
        totals.Clear();
        long nearZero = 0;
        for (int t = 0; t < frames; t++)
        {
            var (motion, frameNearZero) = FrameStatistics(clip, frames, pixels, channels, t, frameSums);
            nearZero += frameNearZero;
            AddFrame(t, frameSums, motion, frames, pixels, totals, features, frameChannelSums);
        }
        Finish(totals, nearZero, frames, pixels, features);
    }

    /// <summary>
    /// <see cref="Compute(ReadOnlySpan{float}, int, int, int, Span{float}, Span{float})"/> from the per-frame statistics
    /// of every frame, computed apart (in parallel) by <see cref="FrameStatistics"/>: <paramref name="frameSums"/> [T, 2C],
    /// <paramref name="motion"/> and <paramref name="nearZero"/> [T]. Folded in frame order, so the features are the
    /// same to the bit. <paramref name="totals"/> (2C doubles) is scratch.
    /// </summary>
    internal static void Fold(ReadOnlySpan<float> frameSums, ReadOnlySpan<double> motion, ReadOnlySpan<long> nearZero, int frames, int pixels, int channels,
        Span<double> totals, Span<float> features, Span<float> frameChannelSums)
    {
        Validate(frames * pixels * channels, frames, pixels, channels, features, frameChannelSums);
        totals.Clear();
        long zeros = 0;
        for (int t = 0; t < frames; t++)
        {
            zeros += nearZero[t];
            AddFrame(t, frameSums.Slice(t * 2 * channels, 2 * channels), motion[t], frames, pixels, totals, features, frameChannelSums);
        }
        Finish(totals, zeros, frames, pixels, features);
    }

    /// <summary>
    /// Frame <paramref name="t"/>'s statistics, read through ReLU: per channel the sum and the sum of squares into
    /// <paramref name="sums"/>[0..C) and [C..2C); returns sum |x[t] - x[t - 1]| (0 for the first frame) and the near-zero
    /// count. Frames are independent of each other.
    /// </summary>
    internal static (double Motion, long NearZero) FrameStatistics(ReadOnlySpan<float> clip, int frames, int pixels, int channels, int t, Span<float> sums)
    {
        int frameLength = pixels * channels;
        var frame = clip.Slice(t * frameLength, frameLength);
        var previous = t > 0 ? clip.Slice((t - 1) * frameLength, frameLength) : default;
        return FrameSums(frame, previous, channels, sums);
    }

    private static void Validate(int clipLength, int frames, int pixels, int channels, Span<float> features, Span<float> frameChannelSums)
    {
        if (clipLength != frames * pixels * channels || features.Length != Count(channels, frames))
            throw new ArgumentException($"A_1 of {frames} frames, {pixels} pixels and {channels} channels needs {frames * pixels * channels} values and "
                + $"{Count(channels, frames)} features, got {clipLength} and {features.Length}.");
        if (!frameChannelSums.IsEmpty && frameChannelSums.Length != frames * channels)
            throw new ArgumentException($"Per-frame channel sums of A_1 with {frames} frames and {channels} channels need {frames * channels} values, got {frameChannelSums.Length}.");
    }

    /// <summary>Adds frame <paramref name="t"/>'s sums to the totals and writes its mean and (from the second frame) its motion feature.</summary>
    private static void AddFrame(int t, ReadOnlySpan<float> frameSums, double motion, int frames, int pixels, Span<double> totals, Span<float> features,
        Span<float> frameChannelSums)
    {
        int channels = totals.Length / 2, frameLength = pixels * channels;
        if (!frameChannelSums.IsEmpty) frameSums[..channels].CopyTo(frameChannelSums.Slice(t * channels, channels));
        double frameSum = 0;
        for (int c = 0; c < channels; c++)
        {
            frameSum += frameSums[c];
            totals[c] += frameSums[c];
            totals[channels + c] += frameSums[channels + c];
        }
        features[2 * channels + t] = (float)(frameSum / frameLength);
        if (t > 0) features[2 * channels + frames + t - 1] = (float)(motion / frameLength);
    }

    /// <summary>The per-channel means and standard deviations and the near-zero fraction, from the totals over all frames.</summary>
    private static void Finish(ReadOnlySpan<double> totals, long nearZero, int frames, int pixels, Span<float> features)
    {
        int channels = totals.Length / 2;
        double count = (double)frames * pixels;
        for (int c = 0; c < channels; c++)
        {
            double mean = totals[c] / count;
            features[c] = (float)mean;
            features[channels + c] = (float)Math.Sqrt(Math.Max(0, totals[channels + c] / count - mean * mean));
        }
        features[^1] = (float)(nearZero / (count * channels));
    }

    /// <summary>
    /// One frame [pixels, C] read through ReLU: per channel the sum and the sum of squares into sums[0..C) and
    /// sums[C..2C); returns sum |x - previous| over the frame (0 without a previous frame) and the near-zero count.
    /// </summary>
    private static (double Motion, long NearZero) FrameSums(ReadOnlySpan<float> frame, ReadOnlySpan<float> previous, int channels, Span<float> sums)
    {
        if (channels % Vector<float>.Count == 0 && channels <= 4 * Vector<float>.Count) return FrameSumsInRegisters(frame, previous, channels, sums);
        sums.Clear();
        var sum = sums[..channels];
        var squares = sums[channels..];
        int width = Vector<float>.Count, vectorEnd = channels - channels % width;
        var motion = Vector<float>.Zero;
        var small = Vector<int>.Zero;
        var threshold = new Vector<float>(NearZero);
        double scalarMotion = 0;
        long scalarSmall = 0;
        bool moving = !previous.IsEmpty;
        for (int p = 0; p < frame.Length; p += channels)
        {
            int c = 0;
            for (; c < vectorEnd; c += width)
            {
                var v = Vector.Max(new Vector<float>(frame.Slice(p + c)), Vector<float>.Zero);
                (new Vector<float>(sum.Slice(c)) + v).CopyTo(sum.Slice(c));
                (new Vector<float>(squares.Slice(c)) + v * v).CopyTo(squares.Slice(c));
                small += Vector.LessThanOrEqual(v, threshold);
                if (moving) motion += Vector.Abs(v - Vector.Max(new Vector<float>(previous.Slice(p + c)), Vector<float>.Zero));
            }
            for (; c < channels; c++)
            {
                float v = MathF.Max(frame[p + c], 0f);
                sum[c] += v;
                squares[c] += v * v;
                if (v <= NearZero) scalarSmall++;
                if (moving) scalarMotion += MathF.Abs(v - MathF.Max(previous[p + c], 0f));
            }
        }
        // LessThanOrEqual yields -1 per near-zero lane.
        return (scalarMotion + Vector.Sum(motion), scalarSmall - Vector.Sum(small));
    }

    /// <summary>
    /// <see cref="FrameSums"/> for 1 to 4 whole vectors of channels (A_1 of the small models), with the per-channel sums
    /// in registers instead of a store and a load per pixel: the same additions in the same order, so the same sums.
    /// Each vector of a pixel is its own straight-line block with its own motion sum (one shared sum would chain every
    /// vector's addition behind the last one).
    /// </summary>
    private static (double Motion, long NearZero) FrameSumsInRegisters(ReadOnlySpan<float> frame, ReadOnlySpan<float> previous, int channels, Span<float> sums)
    {
        int width = Vector<float>.Count, vectors = channels / width;
        bool moving = !previous.IsEmpty;
        ref float x = ref MemoryMarshal.GetReference(frame);
        ref float before = ref moving ? ref MemoryMarshal.GetReference(previous) : ref x;
        RunningSums r0 = default, r1 = default, r2 = default, r3 = default;
        for (int p = 0; p < frame.Length; p += channels)
        {
            r0.Add(ref x, ref before, p, moving);
            if (vectors > 1) r1.Add(ref x, ref before, p + width, moving);
            if (vectors > 2) r2.Add(ref x, ref before, p + 2 * width, moving);
            if (vectors > 3) r3.Add(ref x, ref before, p + 3 * width, moving);
        }
        ReadOnlySpan<RunningSums> totals = [r0, r1, r2, r3];
        double motion = 0;
        long small = 0;
        for (int b = 0; b < vectors; b++)
        {
            totals[b].Sum.CopyTo(sums.Slice(b * width, width));
            totals[b].Squares.CopyTo(sums.Slice(channels + b * width, width));
            motion += Vector.Sum(totals[b].Motion);
            small -= Vector.Sum(totals[b].Small);
        }
        return (motion, small);
    }

    /// <summary>The running sums of one vector of channels in <see cref="FrameSumsInRegisters"/>; <see cref="Small"/> counts -1 per near-zero lane.</summary>
    private struct RunningSums
    {
        public Vector<float> Sum, Squares, Motion;
        public Vector<int> Small;

        /// <summary>Adds the vector at <paramref name="c"/> of the frame, through ReLU (and its difference to the previous frame's when <paramref name="moving"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ref float frame, ref float previous, int c, bool moving)
        {
            var v = Vector.Max(Vector.LoadUnsafe(ref frame, (nuint)c), Vector<float>.Zero);
            Sum += v;
            Squares += v * v;
            Small += Vector.LessThanOrEqual(v, new Vector<float>(NearZero));
            if (moving) Motion += Vector.Abs(v - Vector.Max(Vector.LoadUnsafe(ref previous, (nuint)c), Vector<float>.Zero));
        }
    }
}
