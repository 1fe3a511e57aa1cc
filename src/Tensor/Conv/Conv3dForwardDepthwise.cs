using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Depthwise conv forward (groups = Cin = Cout): each channel is convolved with its own filter, so there is no
/// reduction over channels to make a GEMM of. Instead the kernel vectorises over channels, which channels-last
/// keeps contiguous both in the input and in the weights [taps, 1, C]: per tap one weight vector is loaded and
/// shared by up to eight output pixels along W. Pixels near the W border run one at a time over the kw taps in range;
/// taps in the T/H padding or on dropped frames are skipped; registers of channels that are all dropped are not
/// computed, and a dropped channel's output is its bias.
/// One output line (n, ot, oh) per parallel iteration.
/// </summary>
internal unsafe struct Conv3dForwardDepthwise : ISimdAction
{
    public Conv3dGeometry Geometry;
    public float* Input, Weight, Bias, Output;
    /// <summary>Per input frame, nonzero when kept; null keeps all.</summary>
    public byte* FrameKept;
    /// <summary>Per channel, nonzero when kept; null keeps all.</summary>
    public byte* ChannelKept;

    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        var body = new Lines<TOps, TVec> { Conv = this };
        ref readonly Conv3dGeometry g = ref Geometry;
        ParallelFor.Run(g.Batch * g.Output.T * g.Output.H, ref body);
    }

    private struct Lines<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public Conv3dForwardDepthwise Conv;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int line)
        {
            ref readonly Conv3dGeometry g = ref Conv.Geometry;
            int c = g.InChannels;
            int oh = line % g.Output.H, rest = line / g.Output.H;
            int ot = rest % g.Output.T, n = rest / g.Output.T;
            // Valid (kt, kh) taps of this line: input line offset (floats) and first weight row.
            int maxTaps = g.Kernel.T * g.Kernel.H;
            nint* lineOffsets = stackalloc nint[maxTaps];
            nint* weightRows = stackalloc nint[maxTaps];
            int taps = 0;
            for (int kt = 0; kt < g.Kernel.T; kt++)
            {
                int it = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
                if ((uint)it >= (uint)g.Input.T || (Conv.FrameKept != null && Conv.FrameKept[it] == 0)) continue;
                for (int kh = 0; kh < g.Kernel.H; kh++)
                {
                    int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                    if ((uint)ih >= (uint)g.Input.H) continue;
                    lineOffsets[taps] = (((nint)n * g.Input.T + it) * g.Input.H + ih) * g.Input.W * c;
                    weightRows[taps] = (nint)(kt * g.Kernel.H + kh) * g.Kernel.W * c;
                    taps++;
                }
            }
            var tapSet = new TapSet
            {
                LineOffsets = lineOffsets, WeightRows = weightRows, Count = taps,
                PixelStride = (nint)g.Stride.W * c, TapStride = (nint)g.Dilation.W * c, Channels = c,
            };
            float* output = Conv.Output + (nint)line * g.Output.W * c;
            int vectorEnd = c - c % TOps.Lanes;
            for (int ow = 0; ow < g.Output.W;)
            {
                int iw = ow * g.Stride.W - g.Padding.W;
                // kw taps in range for pixel ow: iw + kw * dw in [0, W).
                int kwFirst = iw >= 0 ? 0 : Math.Min(g.Kernel.W, (-iw + g.Dilation.W - 1) / g.Dilation.W);
                int kwEnd = iw >= g.Input.W ? kwFirst : Math.Clamp((g.Input.W - 1 - iw) / g.Dilation.W + 1, kwFirst, g.Kernel.W);
                int pixels = InteriorPixels(g, ow, iw);
                float* x = Conv.Input + (nint)iw * c;
                float* y = output + (nint)ow * c;
                for (int ch = 0; ch < vectorEnd; ch += TOps.Lanes)
                {
                    if (AnyKept(ch, TOps.Lanes))
                        Pixels<TOps, TVec>(pixels, tapSet, x + ch, Conv.Weight + ch, Conv.Bias == null ? null : Conv.Bias + ch, y + ch, kwFirst, kwEnd);
                }
                for (int ch = vectorEnd; ch < c; ch++)
                {
                    if (AnyKept(ch, 1))
                        Pixels<ScalarOps, float>(pixels, tapSet, x + ch, Conv.Weight + ch, Conv.Bias == null ? null : Conv.Bias + ch, y + ch, kwFirst, kwEnd);
                }
                ow += pixels;
            }
            if (Conv.ChannelKept != null)
                BiasOnDroppedChannels(output, g.Output.W, c);
        }

        /// <summary>8 or 4 when that many pixels from ow have every kw tap in range, else 1.</summary>
        private static int InteriorPixels(in Conv3dGeometry g, int ow, int iw)
        {
            if (iw < 0) return 1;
            int reach = (g.Kernel.W - 1) * g.Dilation.W - g.Padding.W;
            foreach (int n in (ReadOnlySpan<int>)[8, 4])
                if (ow + n <= g.Output.W && (ow + n - 1) * g.Stride.W + reach < g.Input.W) return n;
            return 1;
        }

        private readonly bool AnyKept(int first, int count)
        {
            if (Conv.ChannelKept == null) return true;
            for (int i = 0; i < count; i++)
                if (Conv.ChannelKept[first + i] != 0) return true;
            return false;
        }

        /// <summary>A dropped channel's input is all zeros, so its output is the bias alone.</summary>
        private readonly void BiasOnDroppedChannels(float* output, int pixels, int c)
        {
            for (int ch = 0; ch < c; ch++)
            {
                if (Conv.ChannelKept[ch] != 0) continue;
                float value = Conv.Bias == null ? 0f : Conv.Bias[ch];
                for (int p = 0; p < pixels; p++) output[(nint)p * c + ch] = value;
            }
        }
    }

    private struct TapSet
    {
        public nint* LineOffsets;
        public nint* WeightRows;
        public int Count;
        public nint PixelStride;
        public nint TapStride;
        public int Channels;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pixels<TO, TV>(int pixels, in TapSet taps, float* x, float* w, float* bias, float* y, int kwFirst, int kwEnd)
        where TO : IVectorOps<TV> where TV : unmanaged
    {
        switch (pixels)
        {
            case 8: Pixels<TO, TV, Rows8>(taps, x, w, bias, y, kwFirst, kwEnd); break;
            case 4: Pixels<TO, TV, Rows4>(taps, x, w, bias, y, kwFirst, kwEnd); break;
            default: Pixels<TO, TV, Rows1>(taps, x, w, bias, y, kwFirst, kwEnd); break;
        }
    }

    /// <summary>TPixels output pixels (PixelStride apart) x one register of channels, over the valid taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixels<TO, TV, TPixels>(in TapSet taps, float* x, float* w, float* bias, float* y, int kwFirst, int kwEnd)
        where TO : IVectorOps<TV> where TV : unmanaged where TPixels : struct, ITileRows
    {
        int pixels = TPixels.Value;
        nint ps = taps.PixelStride, tapStride = taps.TapStride, c = taps.Channels;
        nint* lineOffsets = taps.LineOffsets, weightRows = taps.WeightRows;
        int count = taps.Count;
        TV start = bias == null ? TO.Zero : TO.Load(bias);
        TV a0 = start, a1 = start, a2 = start, a3 = start, a4 = start, a5 = start, a6 = start, a7 = start;
        for (int i = 0; i < count; i++)
        {
            float* xi = x + lineOffsets[i] + kwFirst * tapStride;
            float* wi = w + weightRows[i] + kwFirst * c;
            for (int kw = kwFirst; kw < kwEnd; kw++)
            {
                TV wv = TO.Load(wi);
                a0 = TO.MultiplyAdd(TO.Load(xi), wv, a0);
                if (pixels > 1)
                {
                    a1 = TO.MultiplyAdd(TO.Load(xi + ps), wv, a1);
                    a2 = TO.MultiplyAdd(TO.Load(xi + 2 * ps), wv, a2);
                    a3 = TO.MultiplyAdd(TO.Load(xi + 3 * ps), wv, a3);
                }
                if (pixels > 4)
                {
                    a4 = TO.MultiplyAdd(TO.Load(xi + 4 * ps), wv, a4);
                    a5 = TO.MultiplyAdd(TO.Load(xi + 5 * ps), wv, a5);
                    a6 = TO.MultiplyAdd(TO.Load(xi + 6 * ps), wv, a6);
                    a7 = TO.MultiplyAdd(TO.Load(xi + 7 * ps), wv, a7);
                }
                xi += tapStride;
                wi += c;
            }
        }
        TO.Store(y, a0);
        if (pixels > 1)
        {
            TO.Store(y + c, a1);
            TO.Store(y + 2 * c, a2);
            TO.Store(y + 3 * c, a3);
        }
        if (pixels > 4)
        {
            TO.Store(y + 4 * c, a4);
            TO.Store(y + 5 * c, a5);
            TO.Store(y + 6 * c, a6);
            TO.Store(y + 7 * c, a7);
        }
    }
}
