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
/// Pass 1 of <see cref="SparseInputConv3d"/>: per input pixel p = ((n * T + t) * H + h) * W + w, writes its non-zero
/// kept channels to Slots[p * KeptChannels ..] and their number to Counts[p]; pixels of dropped frames get count 0
/// and are not read. One input line (n, t, h) per parallel iteration.
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
    public int Width, Height, Frames, InChannels, OutChannels;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int line)
    {
        int first = line * Width;
        if (FrameKept[line / Height % Frames] == 0)
        {
            new Span<int>(Counts + first, Width).Clear();
            return;
        }
        for (int w = 0; w < Width; w++)
        {
            float* pixel = Input + (nint)(first + w) * InChannels;
            SparseEntry* slot = Slots + (nint)(first + w) * KeptChannels;
            int count = 0;
            // Branch-free: every kept channel is written, and the slot only advances past non-zeros.
            for (int j = 0; j < KeptChannels; j++)
            {
                int c = Channels == null ? j : Channels[j];
                float value = pixel[c];
                slot[count].WeightOffset = c * OutChannels;
                slot[count].Value = value;
                count += value != 0f ? 1 : 0;
            }
            Counts[first + w] = count;
        }
    }
}
