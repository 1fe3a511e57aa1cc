using System.Runtime.CompilerServices;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int line)
    {
        if (FrameKept[line / Height % Frames] == 0) return;
        float* pixels = Input + (nint)line * Width * InChannels;
        for (int b = 0; b < Blocks; b++)
        {
            int first = b * ChannelBlock, end = Math.Min(first + ChannelBlock, KeptChannels);
            int cursor = line * Width * KeptChannels + Width * first;
            int* starts = Starts + ((nint)line * Blocks + b) * (Width + 1);
            for (int w = 0; w < Width; w++)
            {
                starts[w] = cursor;
                float* pixel = pixels + (nint)w * InChannels;
                int shift = w * PixelStride;
                // Branch-free: every kept value is written, and the run only grows past non-zeros.
                for (int j = first; j < end; j++)
                {
                    int c = Channels == null ? j : Channels[j];
                    float value = pixel[c];
                    Slots[cursor].WeightOffset = Weights.RowOf(j, c) * Weights.RowStride + shift;
                    Slots[cursor].Value = value;
                    cursor += value != 0f ? 1 : 0;
                }
            }
            starts[Width] = cursor;
        }
    }
}
