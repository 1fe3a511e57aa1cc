using NativeDance.Tensors;

namespace NativeDance.Data.Video;

/// <summary>
/// Which source frames a clip decodes and where each output frame comes from. The decoded frames are the arithmetic
/// progression First, First + Step, ... (DecodeCount of them, ascending, so one sequential decode pass serves them);
/// output frame t shows decoded frame <see cref="DecodedIndexOf"/>(t).
/// </summary>
internal readonly record struct FrameWindow(int First, int Step, int DecodeCount, int LoopOffset, int Stride, bool Loops)
{
    /// <summary>
    /// Plans a clip of <paramref name="frames"/> frames taken every <paramref name="stride"/> source frames from a video of
    /// <paramref name="sourceFrames"/> frames. When the video is long enough, the window starts at a random or the centre
    /// position; otherwise the whole video is decoded and the clip loops through it (from a random or the first frame).
    /// </summary>
    public static FrameWindow Plan(int sourceFrames, int frames, int stride, TemporalSampling sampling, ref SeededRandom rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceFrames);
        long span = (long)(frames - 1) * stride + 1;
        bool random = sampling == TemporalSampling.Random;
        if (span <= sourceFrames)
        {
            int slack = sourceFrames - (int)span;
            int start = random ? rng.NextInt(slack + 1) : slack / 2;
            return new FrameWindow(start, stride, frames, 0, stride, Loops: false);
        }
        int offset = random ? rng.NextInt(sourceFrames) : 0;
        return new FrameWindow(0, 1, sourceFrames, offset, stride, Loops: true);
    }

    /// <summary>The decoded frame (index into the decoded sequence) that output frame <paramref name="t"/> shows.</summary>
    public int DecodedIndexOf(int t) => Loops ? (int)((LoopOffset + (long)t * Stride) % DecodeCount) : t;
}
