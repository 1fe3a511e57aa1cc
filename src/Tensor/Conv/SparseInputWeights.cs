using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The weights as <see cref="SparseInputConv3d"/> reads them: per tap, <see cref="Rows"/> rows of
/// <see cref="RowStride"/> floats, every row starting on a cache line. The kernel loads one weight vector per
/// multiply-add, so a row split across two cache lines would halve its load throughput. Weights that already start on
/// a cache line with Cout a multiple of 16 are read in place (rows = all input channels, row = channel); otherwise the
/// kept channels' rows are copied to an aligned buffer, Cout padded with zeros to a multiple of 16 (rows = kept
/// channels, row = position in the kept list). One tap per parallel iteration of the copy.
/// </summary>
internal unsafe struct SparseInputWeights : IParallelBody
{
    /// <summary>[taps, Cin, Cout] as the caller passed them.</summary>
    public float* Source;

    /// <summary>What the kernel reads: Source itself, or the packed copy.</summary>
    public float* Data;

    /// <summary>Kept input channels (strictly increasing), or null for all.</summary>
    public int* Channels;

    public int Rows, RowStride, InChannels, OutChannels;

    /// <summary>True when <see cref="Data"/> is a copy: row j holds kept channel j.</summary>
    public readonly bool Packed => Data != Source;

    /// <summary>Cout rounded up to whole cache lines: the row stride of a packed copy and the sums' stride.</summary>
    public static int PaddedOutChannels(int outChannels) => (outChannels + 15) & ~15;

    /// <summary>Whether weights at <paramref name="weight"/> can be read in place.</summary>
    public static bool InPlace(float* weight, int outChannels) => ((nint)weight & (NativeBufferPool.Alignment - 1)) == 0 && InPlaceWhenAligned(outChannels);

    /// <summary>Whether 64-byte aligned weights can be read in place: each row of Cout floats then starts on a cache line too.</summary>
    public static bool InPlaceWhenAligned(int outChannels) => outChannels % 16 == 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int tap)
    {
        for (int j = 0; j < Rows; j++)
        {
            int c = Channels == null ? j : Channels[j];
            float* row = Data + ((nint)tap * Rows + j) * RowStride;
            new ReadOnlySpan<float>(Source + ((nint)tap * InChannels + c) * OutChannels, OutChannels).CopyTo(new Span<float>(row, OutChannels));
            new Span<float>(row + OutChannels, RowStride - OutChannels).Clear();
        }
    }
}
