using System.Numerics.Tensors;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// im2col and col2im between a channels-last image [N, T, H, W, Cin] and the column matrix of a tile of output
/// pixels. Column layout: columns[p, group, tap, ci], row stride <see cref="Width"/> = taps * Cin, with
/// tap = (kt * kH + kh) * kW + kw and p counting output pixels of the flattened [N, To, Ho, Wo] from the tile's first.
/// Row p of group g, viewed as [taps * Cin/groups], matches row-for-row the weight [kT, kH, kW, Cin/groups, Cout],
/// so the conv becomes GEMMs between the columns and the weight viewed as [taps * Cin/groups, Cout].
/// </summary>
internal static unsafe class Conv3dColumns
{
    /// <summary>Floats in one column row: every tap of every input channel.</summary>
    public static int Width(in Conv3dGeometry g) => checked((int)g.Kernel.Volume * g.InChannels);

    /// <summary>im2col: fills the rows of output pixels [firstPixel, firstPixel + count); taps in the padding read zero.</summary>
    public static void Gather(in Conv3dGeometry g, float* image, float* columns, int firstPixel, int count) =>
        Walk<CopyToColumns>(g, image, columns, firstPixel, count, 0, g.Groups, 0, g.InChannelsPerGroup);

    /// <summary>
    /// col2im: adds the rows of output pixels [firstPixel, firstPixel + count) into the image, for one group and the
    /// channels [channelStart, channelStart + channelCount) of that group only, so that threads given different
    /// (group, channel slice) pairs never add into the same element.
    /// </summary>
    public static void ScatterAdd(in Conv3dGeometry g, float* columns, float* image, int firstPixel, int count,
        int group, int channelStart, int channelCount) =>
        Walk<AddToImage>(g, image, columns, firstPixel, count, group, group + 1, channelStart, channelCount);

    private interface ISpanMove
    {
        /// <summary>Moves <paramref name="length"/> floats between a column span and the image span its tap reads.</summary>
        static abstract void Tap(float* column, float* image, int length);

        /// <summary>Handles a column span whose tap falls into the padding.</summary>
        static abstract void Padding(float* column, int length);
    }

    private readonly struct CopyToColumns : ISpanMove
    {
        public static void Tap(float* column, float* image, int length) =>
            new ReadOnlySpan<float>(image, length).CopyTo(new Span<float>(column, length));

        public static void Padding(float* column, int length) => new Span<float>(column, length).Clear();
    }

    private readonly struct AddToImage : ISpanMove
    {
        public static void Tap(float* column, float* image, int length)
        {
            var target = new Span<float>(image, length);
            TensorPrimitives.Add(target, new ReadOnlySpan<float>(column, length), target);
        }

        public static void Padding(float* column, int length) { }
    }

    /// <summary>
    /// Visits every (output pixel, tap, group) of the tile with the channel slice [channelStart, +channelCount).
    /// When one group covers all channels and the kernel is undilated along W, the kW taps of a kernel row are
    /// contiguous in both the columns and the image, so they move as one span of up to kW * Cin floats.
    /// </summary>
    private static void Walk<TMove>(in Conv3dGeometry g, float* image, float* columns, int firstPixel, int count,
        int groupStart, int groupEnd, int channelStart, int channelCount) where TMove : struct, ISpanMove
    {
        int cin = g.InChannels, cinG = g.InChannelsPerGroup, taps = (int)g.Kernel.Volume, width = Width(g);
        int kT = g.Kernel.T, kH = g.Kernel.H, kW = g.Kernel.W;
        bool kernelRowsContiguous = channelCount == cin && g.Dilation.W == 1;
        int q = firstPixel;
        int ow = q % g.Output.W; q /= g.Output.W;
        int oh = q % g.Output.H; q /= g.Output.H;
        int ot = q % g.Output.T;
        int n = q / g.Output.T;
        for (int p = 0; p < count; p++)
        {
            float* row = columns + (long)p * width;
            int t0 = ot * g.Stride.T - g.Padding.T, h0 = oh * g.Stride.H - g.Padding.H, w0 = ow * g.Stride.W - g.Padding.W;
            for (int kt = 0; kt < kT; kt++)
            {
                int it = t0 + kt * g.Dilation.T;
                for (int kh = 0; kh < kH; kh++)
                {
                    int ih = h0 + kh * g.Dilation.H;
                    bool rowInside = (uint)it < (uint)g.Input.T && (uint)ih < (uint)g.Input.H;
                    int firstTap = (kt * kH + kh) * kW;
                    float* imageRow = image + ((long)(n * g.Input.T + it) * g.Input.H + ih) * g.Input.W * cin;
                    if (kernelRowsContiguous)
                    {
                        float* kernelRow = row + (long)firstTap * cin;
                        int lo = rowInside ? Math.Clamp(-w0, 0, kW) : kW;
                        int hi = rowInside ? Math.Clamp(g.Input.W - w0, lo, kW) : kW;
                        TMove.Padding(kernelRow, lo * cin);
                        if (hi > lo) TMove.Tap(kernelRow + lo * cin, imageRow + (long)(w0 + lo) * cin, (hi - lo) * cin);
                        TMove.Padding(kernelRow + hi * cin, (kW - hi) * cin);
                        continue;
                    }
                    for (int kw = 0; kw < kW; kw++)
                    {
                        int iw = w0 + kw * g.Dilation.W;
                        bool inside = rowInside && (uint)iw < (uint)g.Input.W;
                        for (int grp = groupStart; grp < groupEnd; grp++)
                        {
                            float* column = row + ((long)grp * taps + firstTap + kw) * cinG + channelStart;
                            if (inside) TMove.Tap(column, imageRow + (long)iw * cin + grp * cinG + channelStart, channelCount);
                            else TMove.Padding(column, channelCount);
                        }
                    }
                }
            }
            if (++ow < g.Output.W) continue;
            ow = 0;
            if (++oh < g.Output.H) continue;
            oh = 0;
            if (++ot < g.Output.T) continue;
            ot = 0;
            n++;
        }
    }
}
