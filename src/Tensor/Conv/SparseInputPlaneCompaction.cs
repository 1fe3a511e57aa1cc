using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Pass 1 of the plane form of <see cref="SparseInputConv3d"/>: per input frame F = n * T + t, the non-zero values of
/// its kept channels, pixel after pixel, as two parallel arrays (values, and offsets ci * channel stride into a
/// <see cref="SparseInputPlaneWeights"/> slab) from index F * <see cref="FrameCapacity"/>; pixel p's entries are
/// [Starts[s + p], Starts[s + p + 1]) with s = F * (H * W + 1), so a line's pixels, and a frame's lines, are adjacent
/// runs. 16 channels at a time: the lanes that are kept and non-zero are compressed to the front of one full-vector
/// store (which may write up to 15 stale values past the run, never past the frame's region, whose slack holds them).
/// Frames that no tap reads (dropped) are skipped. One frame per parallel iteration.
/// </summary>
internal unsafe struct SparseInputPlaneCompaction : IParallelBody
{
    /// <summary>Vector lanes: channels compacted per step, and the slack a frame's region needs.</summary>
    public const int Lanes = 16;

    public float* Input, Values;
    public int* Offsets, Starts;
    /// <summary>Per channel: -1 when kept, else 0.</summary>
    public int* ChannelKept;
    /// <summary>Per channel: its entry offset, ci * channel stride.</summary>
    public int* ChannelOffsets;
    /// <summary>Per input frame, nonzero when kept.</summary>
    public byte* FrameKept;
    public int Frames, Pixels, InChannels;
    public long FrameCapacity;

    /// <summary>Entries one frame may hold: pixels x kept channels, plus the slack of the last full-vector store.</summary>
    public static long CapacityOf(int pixels, int keptChannels) => (long)pixels * keptChannels + Lanes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int frame)
    {
        int* starts = Starts + (long)frame * (Pixels + 1);
        if (FrameKept[frame % Frames] == 0)
        {
            new Span<int>(starts, Pixels + 1).Clear();
            return;
        }
        float* values = Values + frame * FrameCapacity;
        int* offsets = Offsets + frame * FrameCapacity;
        float* pixel = Input + (long)frame * Pixels * InChannels;
        int channels = InChannels, vectorEnd = channels - channels % Lanes, cursor = 0;
        for (int p = 0; p < Pixels; p++, pixel += channels)
        {
            starts[p] = cursor;
            int c = 0;
            for (; c < vectorEnd; c += Lanes)
            {
                var v = Vector512.Load(pixel + c);
                var keep = ~Vector512.Equals(v, Vector512<float>.Zero).AsInt32() & Vector512.Load(ChannelKept + c);
                Avx512F.Compress(Vector512<float>.Zero, keep.AsSingle(), v).Store(values + cursor);
                Avx512F.Compress(Vector512<int>.Zero, keep, Vector512.Load(ChannelOffsets + c)).Store(offsets + cursor);
                cursor += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
            // Branch-free: every value is written, and the run only grows past kept non-zeros.
            for (; c < channels; c++)
            {
                float value = pixel[c];
                values[cursor] = value;
                offsets[cursor] = ChannelOffsets[c];
                cursor += value != 0f && ChannelKept[c] != 0 ? 1 : 0;
            }
        }
        starts[Pixels] = cursor;
    }
}
