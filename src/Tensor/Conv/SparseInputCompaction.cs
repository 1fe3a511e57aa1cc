using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>One surviving input activation: where its weight row starts (see <see cref="SparseInputCompaction"/>) and its value.</summary>
internal struct SparseEntry
{
    public int WeightOffset;
    public float Value;
}

/// <summary>
/// Pass 1 of <see cref="SparseInputConv3d"/>: per input line L = (n * T + t) * H + h and block b of
/// <see cref="ChannelBlock"/> kept channels, the non-zero values of the line's pixels in (pixel, channel) order, one
/// run per (line, block) starting at slot L * W * KeptChannels + W * b * ChannelBlock; pixel w's entries are
/// Slots[Starts[s + w] .. Starts[s + w + 1]) with s = (L * Blocks + b) * (W + 1). Runs of adjacent pixels are
/// adjacent, so an output pixel reads all its kw taps as one run. An entry's weight offset is
/// row * RowStride (see <see cref="SparseInputWeights"/>), plus w * <see cref="PixelStride"/> when taps are merged:
/// the kernel then points its weight base at tap kw = 0 shifted back by the first input pixel's index, so one base
/// serves the whole run. Lines of dropped frames are skipped: no tap reads them. One line per parallel iteration.
/// </summary>
internal unsafe struct SparseInputCompaction : IParallelBody
{
    public float* Input;
    public SparseEntry* Slots;
    public int* Starts;
    /// <summary>Per input frame, nonzero when kept.</summary>
    public byte* FrameKept;
    /// <summary>Kept channels, strictly increasing, or null for all.</summary>
    public int* Channels;
    public int KeptChannels, ChannelBlock, Blocks;
    public int Width, Height, Frames, InChannels;
    public SparseInputWeights Weights;
    /// <summary>Offset added per input pixel along W: the floats between two kw taps of one row when merged, else 0.</summary>
    public int PixelStride;

    /// <summary>Lane order that interleaves 8 offsets (lanes 0-7) with 8 values (lanes 8-15) into 8 entries.</summary>
    private static readonly Vector512<int> Interleave = Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int line)
    {
        if (FrameKept[line / Height % Frames] == 0) return;
        float* pixels = Input + (nint)line * Width * InChannels;
        SparseEntry* slots = Slots;
        int* channels = Channels;
        int rowStride = Weights.RowStride, pixelStride = PixelStride;
        bool packed = Weights.Packed, vectors = Avx512F.IsSupported && channels == null;
        var rowSteps = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * rowStride;
        for (int b = 0; b < Blocks; b++)
        {
            int first = b * ChannelBlock, end = Math.Min(first + ChannelBlock, KeptChannels);
            int cursor = line * Width * KeptChannels + Width * first;
            int* starts = Starts + ((nint)line * Blocks + b) * (Width + 1);
            for (int w = 0; w < Width; w++)
            {
                starts[w] = cursor;
                float* pixel = pixels + (nint)w * InChannels;
                int shift = w * pixelStride, j = first;
                // All channels kept: 8 at a time, the non-zeros' entries compressed to the front of one 64-byte store.
                // The store may write up to 7 stale entries past the run, never past the (line, block) region: the
                // run holds at most the values read before this group.
                for (; vectors && j + 8 <= end; j += 8)
                {
                    var values = Vector256.Load(pixel + j);
                    var offsets = Vector256.Create(j * rowStride + shift) + rowSteps;
                    var entries = Avx512F.PermuteVar16x32(Vector512.Create(offsets, values.AsInt32()), Interleave).AsInt64();
                    var nonZero = ~Vector256.Equals(values, Vector256<float>.Zero).AsInt32();
                    Avx512F.Compress(Vector512<long>.Zero, Avx512F.ConvertToVector512Int64(nonZero), entries).Store((long*)(slots + cursor));
                    cursor += BitOperations.PopCount(nonZero.ExtractMostSignificantBits());
                }
                // Branch-free: every kept value is written, and the run only grows past non-zeros.
                for (; j < end; j++)
                {
                    int c = channels == null ? j : channels[j];
                    float value = pixel[c];
                    slots[cursor].WeightOffset = (packed ? j : c) * rowStride + shift;
                    slots[cursor].Value = value;
                    cursor += value != 0f ? 1 : 0;
                }
            }
            starts[Width] = cursor;
        }
    }
}
