using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>One surviving input activation: where its weight row starts within a tap (channel * Cout) and its value.</summary>
internal struct SparseEntry
{
    public int WeightOffset;
    public float Value;
}

/// <summary>
/// Pass 1 of <see cref="SparseInputConv3d"/>: per input pixel p = ((n * T + t) * H + h) * W + w and block b of
/// <see cref="ChannelBlock"/> kept channels, the block's non-zero values in channel order at
/// Slots[p * KeptChannels + b * ChannelBlock ..] and their number at Counts[p * Blocks + b]. Pixels of dropped frames
/// get counts 0 and are not read. One input line (n, t, h) per parallel iteration.
/// </summary>
internal unsafe struct SparseInputCompaction : IParallelBody
{
    public float* Input;
    public SparseEntry* Slots;
    public int* Counts;
    /// <summary>Per input frame, nonzero when kept.</summary>
    public byte* FrameKept;
    /// <summary>Kept channels, strictly increasing, or null for all.</summary>
    public int* Channels;
    public int KeptChannels, ChannelBlock, Blocks;
    public int Width, Height, Frames, InChannels, OutChannels;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int line)
    {
        int first = line * Width;
        if (FrameKept[line / Height % Frames] == 0)
        {
            new Span<int>(Counts + (nint)first * Blocks, Width * Blocks).Clear();
            return;
        }
        for (int w = 0; w < Width; w++)
        {
            float* pixel = Input + (nint)(first + w) * InChannels;
            SparseEntry* slot = Slots + (nint)(first + w) * KeptChannels;
            int* counts = Counts + (nint)(first + w) * Blocks;
            for (int b = 0, start = 0; b < Blocks; b++, start += ChannelBlock)
            {
                SparseEntry* block = slot + start;
                int count = 0, end = Math.Min(start + ChannelBlock, KeptChannels);
                // Branch-free: every kept value is written, and the list only grows past non-zeros.
                for (int j = start; j < end; j++)
                {
                    int c = Channels == null ? j : Channels[j];
                    float value = pixel[c];
                    block[count].WeightOffset = c * OutChannels;
                    block[count].Value = value;
                    count += value != 0f ? 1 : 0;
                }
                counts[b] = count;
            }
        }
    }
}
