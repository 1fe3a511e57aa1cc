using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>One surviving input activation within an input line: its column w and its value.</summary>
internal struct SparseEntry
{
    public int Column;
    public float Value;
}

/// <summary>
/// Pass 1 of <see cref="SparseInputConv3d"/>: per input line l = (n * T + t) * H + h, lists the non-zero values of
/// each kept channel j (the j-th kept one) in increasing column order at Slots[(l * KeptChannels + j) * Width ..],
/// and their number at Counts[l * KeptChannels + j]. Lines of dropped frames get count 0 and are not read. One
/// line per parallel iteration.
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
    public int KeptChannels;
    public int Width, Height, Frames, InChannels;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int line)
    {
        int* counts = Counts + (nint)line * KeptChannels;
        new Span<int>(counts, KeptChannels).Clear();
        if (FrameKept[line / Height % Frames] == 0) return;
        SparseEntry* lists = Slots + (nint)line * KeptChannels * Width;
        for (int w = 0; w < Width; w++)
        {
            float* pixel = Input + ((nint)line * Width + w) * InChannels;
            // Branch-free: every kept value is written, and its channel's list only grows past non-zeros.
            for (int j = 0; j < KeptChannels; j++)
            {
                float value = pixel[Channels == null ? j : Channels[j]];
                int count = counts[j];
                SparseEntry* entry = lists + (nint)j * Width + count;
                entry->Column = w;
                entry->Value = value;
                counts[j] = count + (value != 0f ? 1 : 0);
            }
        }
    }
}
