using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Copies the input to [N, T, H, W + 2 * pw, Ck]: zero padding along W, and only the kept channels (in order), so
/// the implicit GEMM reads every kw tap in range and its reduction shrinks to the kept channels. Dropped frames
/// are not copied: no tap reads them. One input line (n, t, h) per parallel iteration. The copy costs about one
/// pass over the input, against kernel-volume * Cout multiply-adds per input value in the conv itself.
/// </summary>
internal unsafe struct Conv3dForwardStaging : IParallelBody
{
    public float* Source;
    public float* Destination;
    public int T, H, W, C;
    public int PadW;
    /// <summary>Kept channels (strictly increasing), or null for all.</summary>
    public int* Channels;
    public int KeptChannels;
    /// <summary>Per frame, nonzero when kept; null keeps all.</summary>
    public byte* FrameKept;

    public readonly int PaddedWidth => W + 2 * PadW;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int line)
    {
        if (FrameKept != null && FrameKept[line / H % T] == 0) return;
        int cs = KeptChannels, wp = PaddedWidth;
        float* destination = Destination + (nint)line * wp * cs;
        float* source = Source + (nint)line * W * C;
        new Span<float>(destination, PadW * cs).Clear();
        new Span<float>(destination + (nint)(PadW + W) * cs, PadW * cs).Clear();
        destination += PadW * cs;
        if (Channels == null)
        {
            new ReadOnlySpan<float>(source, W * C).CopyTo(new Span<float>(destination, W * C));
            return;
        }
        for (int w = 0; w < W; w++)
        {
            float* pixel = source + (nint)w * C, kept = destination + (nint)w * cs;
            for (int j = 0; j < cs; j++) kept[j] = pixel[Channels[j]];
        }
    }
}
