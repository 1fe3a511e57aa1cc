using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Pass 1 of the plane form of <see cref="SparseInputConv3d"/>: per input frame F = n * T + t, the non-zero values of
/// its kept channels, pixel after pixel and in channel order, as two parallel arrays (values, and offsets ci * channel
/// stride into a <see cref="SparseInputPlaneWeights"/> slab) from index F * <see cref="FrameCapacity"/>. Channels fall
/// into <see cref="Blocks"/> blocks of <see cref="BlockChannels"/>; block b of pixel p starts at Starts[s + p * B + b]
/// with s = F * (H * W * B + 1), and ends where the next block (of the pixel, or of the next pixel) starts, so a pixel,
/// a line's pixels and a frame's lines are adjacent runs, and so are consecutive blocks. 16 channels at a time
/// (AVX-512), else 8 (AVX2): the lanes that are kept and non-zero are compressed to the front of one full-vector store
/// (which may write up to 15 stale values past the run, never past the frame's region, whose slack holds them); AVX2
/// has no compress instruction, so a table gives the permutation per mask of 8 lanes. With <see cref="Thresholded"/> an
/// entry is a kept value at or above <see cref="Floor"/> instead of a non-zero one: DANCE's feature mask applied while
/// compacting, so the masked input is never written. It also tallies, per frame, every entry times the output pixels of
/// a frame its 3 x 3 window reaches (<see cref="PixelReach"/>), so the kernel counts its multiply-adds without touching
/// the hot loop. Frames that no tap reads (dropped) are skipped. One frame per parallel iteration.
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
    /// <summary>Per input pixel (h, w): the (kh, kw) taps that land in the output frame.</summary>
    public int* PixelReach;
    /// <summary>Per input frame: the entries weighted by <see cref="PixelReach"/>.</summary>
    public long* FrameReach;
    public int Frames, Pixels, InChannels;
    /// <summary>Channels per block, a multiple of <see cref="Lanes"/>, and blocks per pixel (B, at least 1).</summary>
    public int BlockChannels, Blocks;
    public long FrameCapacity;
    /// <summary>Whether values are kept at or above <see cref="Floor"/> (a positive number or NaN) rather than when non-zero.</summary>
    public bool Thresholded;
    public float Floor;

    /// <summary>Per mask of 8 lanes, the lanes it keeps in order (then zeros): 256 x 8 bytes on the pinned heap.</summary>
    private static readonly byte[] CompressOrders = BuildCompressOrders();

    /// <summary>Entries one frame may hold: pixels x kept channels, plus the slack of the last full-vector store.</summary>
    public static long CapacityOf(int pixels, int keptChannels) => (long)pixels * keptChannels + Lanes;

    /// <summary>Starts per frame: one per block of every pixel and the frame's end.</summary>
    public static int StartsPerFrame(int pixels, int blocks) => pixels * blocks + 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int frame)
    {
        int blocks = Blocks, blockChannels = BlockChannels;
        int* starts = Starts + (long)frame * StartsPerFrame(Pixels, blocks);
        FrameReach[frame] = 0;
        if (FrameKept[frame % Frames] == 0)
        {
            new Span<int>(starts, StartsPerFrame(Pixels, blocks)).Clear();
            return;
        }
        float* values = Values + frame * FrameCapacity;
        int* offsets = Offsets + frame * FrameCapacity;
        float* pixel = Input + (long)frame * Pixels * InChannels;
        int channels = InChannels, cursor = 0;
        long reach = 0;
        fixed (byte* orders = CompressOrders)
        for (int p = 0; p < Pixels; p++, pixel += channels)
        {
            int* blockStarts = starts + (long)p * blocks;
            int first = cursor;
            int c = 0;
            for (; Avx512F.IsSupported && c + Lanes <= channels; c += Lanes)
            {
                if (c % blockChannels == 0) blockStarts[c / blockChannels] = cursor;
                var v = Vector512.Load(pixel + c);
                var counts = Thresholded ? Vector512.GreaterThanOrEqual(v, Vector512.Create(Floor)) : ~Vector512.Equals(v, Vector512<float>.Zero);
                var keep = counts.AsInt32() & Vector512.Load(ChannelKept + c);
                Avx512F.Compress(Vector512<float>.Zero, keep.AsSingle(), v).Store(values + cursor);
                Avx512F.Compress(Vector512<int>.Zero, keep, Vector512.Load(ChannelOffsets + c)).Store(offsets + cursor);
                cursor += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
            for (; !Avx512F.IsSupported && Avx2.IsSupported && c + 8 <= channels; c += 8)
            {
                if (c % blockChannels == 0) blockStarts[c / blockChannels] = cursor;
                var v = Vector256.Load(pixel + c);
                var counts = Thresholded ? Vector256.GreaterThanOrEqual(v, Vector256.Create(Floor)) : ~Vector256.Equals(v, Vector256<float>.Zero);
                uint keep = (counts.AsInt32() & Vector256.Load(ChannelKept + c)).ExtractMostSignificantBits();
                var order = Avx2.ConvertToVector256Int32(orders + keep * 8);
                Avx2.PermuteVar8x32(v, order).Store(values + cursor);
                Avx2.PermuteVar8x32(Vector256.Load(ChannelOffsets + c), order).Store(offsets + cursor);
                cursor += BitOperations.PopCount(keep);
            }
            // Branch-free: every value is written, and the run only grows past kept non-zeros.
            for (; c < channels; c++)
            {
                if (c % blockChannels == 0) blockStarts[c / blockChannels] = cursor;
                float value = pixel[c];
                values[cursor] = value;
                offsets[cursor] = ChannelOffsets[c];
                cursor += (Thresholded ? value >= Floor : value != 0f) && ChannelKept[c] != 0 ? 1 : 0;
            }
            reach += (long)(cursor - first) * PixelReach[p];
        }
        starts[(long)Pixels * blocks] = cursor;
        FrameReach[frame] = reach;
    }

    private static byte[] BuildCompressOrders()
    {
        var orders = GC.AllocateArray<byte>(256 * 8, pinned: true);
        for (int mask = 0; mask < 256; mask++)
        {
            int kept = 0;
            for (int lane = 0; lane < 8; lane++)
                if ((mask >> lane & 1) != 0) orders[mask * 8 + kept++] = (byte)lane;
        }
        return orders;
    }

    /// <summary>Along one axis of a 3-tap, stride-1 window: the taps of input position <paramref name="i"/> that land among <paramref name="outputs"/> positions.</summary>
    public static int AxisReach(int i, int padding, int outputs) => Math.Max(0, Math.Min(i + padding, outputs - 1) - Math.Max(i + padding - 2, 0) + 1);
}
