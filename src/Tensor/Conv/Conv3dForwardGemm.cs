using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Dense and grouped conv forward as an implicit GEMM per group (M = output pixels, N = the group's output
/// channels, K = taps x kept input channels) through the shared <see cref="GemmDriver{TOps, TVec}"/>: stage the
/// input when W is padded or channels are masked, then per group pack the weights and run the driver with the bias
/// fused into the tile store. With AVX-512, lines of 14 or more output pixels whose input pixels lie 64, 128, 256 or
/// 512 floats apart run the 28 x 16 tile (<see cref="TallKernel{TStride}"/>): 10-17% faster than the 14 x 32 tile on
/// R3D layer2 and C3D conv3a, level on C3D conv2 (alternating in one process, 1 and 2 threads).
/// </summary>
internal unsafe struct Conv3dForwardGemm : ISimdAction
{
    public Conv3dGeometry Geometry;
    public float* Input, Weight, Bias, Output;
    /// <summary>Per input frame, nonzero when kept; null keeps all.</summary>
    public byte* FrameKept;
    /// <summary>Kept input channels, increasing; null keeps all.</summary>
    public int* Channels;
    public int KeptChannels;

    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        float* input = Input;
        int cs = g.InChannels, wp = g.Input.W;
        nint staged = 0;
        int stagedCapacity = 0;
        if (g.Padding.W > 0 || Channels != null)
        {
            var staging = new Conv3dForwardStaging
            {
                Source = Input, T = g.Input.T, H = g.Input.H, W = g.Input.W, C = g.InChannels, PadW = g.Padding.W,
                Channels = Channels, KeptChannels = Channels == null ? g.InChannels : KeptChannels, FrameKept = FrameKept,
            };
            wp = staging.PaddedWidth;
            cs = staging.KeptChannels;
            long length = (long)g.Batch * g.Input.T * g.Input.H * wp * cs;
            (staged, stagedCapacity) = NativeBufferPool.Rent(checked((int)Math.Max(1, length)));
            staging.Destination = (float*)staged;
            ParallelFor.Run(g.Batch * g.Input.T * g.Input.H, ref staging);
            input = (float*)staged;
        }
        try
        {
            // The 28 x 16 tile needs its row stride (sw * Cs) as a type, and output lines of at least 14 pixels to fill
            // most of its rows; anything else runs the 14 x 32 tile, whose row pointers take any stride.
            int rowStride = g.Stride.W * cs;
            if (typeof(TOps) != typeof(Vector512Ops) || !TallKernel<PackedRowStride>.IsSupported || g.Output.W < 14)
                RunGroups<TOps, TVec, WideKernel<TOps, TVec>>(input, wp, cs);
            else if (rowStride == 64) RunGroups<TOps, TVec, TallKernel<PixelStride64>>(input, wp, cs);
            else if (rowStride == 128) RunGroups<TOps, TVec, TallKernel<PixelStride128>>(input, wp, cs);
            else if (rowStride == 256) RunGroups<TOps, TVec, TallKernel<PixelStride256>>(input, wp, cs);
            else if (rowStride == 512) RunGroups<TOps, TVec, TallKernel<PixelStride512>>(input, wp, cs);
            else RunGroups<TOps, TVec, WideKernel<TOps, TVec>>(input, wp, cs);
        }
        finally
        {
            NativeBufferPool.Return(staged, stagedCapacity);
        }
    }

    /// <summary>Per group: packs the weights in panels of the kernel's width and runs the driver with its tiles.</summary>
    private readonly void RunGroups<TOps, TVec, TKernel>(float* input, int wp, int cs)
        where TOps : IVectorOps<TVec> where TVec : unmanaged where TKernel : IMicroKernel
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int width = TKernel.Columns;
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        int keptStart = 0;
        for (int group = 0; group < g.Groups; group++)
        {
            // The group's channels in the buffer: a slice of all channels, or of the compacted kept ones.
            int offset = group * cinG, channels = cinG;
            if (Channels != null)
            {
                int keptEnd = keptStart;
                while (keptEnd < KeptChannels && Channels[keptEnd] < offset + cinG) keptEnd++;
                offset = keptStart;
                channels = keptEnd - keptStart;
            }
            int depth = (int)g.Kernel.Volume * channels;
            var weights = new Conv3dForwardWeights(Weight + group * coutG, g, group, channels, Channels == null ? null : Channels + keptStart);
            var (packed, packedCapacity) = NativeBufferPool.Rent(checked((int)RowPanelPacking<TOps, TVec, Conv3dForwardWeights>.Length(depth, coutG, width)));
            try
            {
                var panels = RowPanelPacking<TOps, TVec, Conv3dForwardWeights>.Pack(weights, depth, coutG, 1f, (float*)packed, width);
                var operands = new Conv3dForwardOperands(g, input + offset, wp, cs, channels, FrameKept, TKernel.Rows, width);
                GemmDriver<TOps, TVec>.Run<Conv3dForwardOperands, TKernel>(ref operands, panels, Output + group * coutG, g.OutChannels, 0f,
                    Bias == null ? null : Bias + group * coutG);
            }
            finally
            {
                NativeBufferPool.Return(packed, packedCapacity);
            }
            keptStart += channels;
        }
    }
}
