using System.Numerics.Tensors;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// How the pixels of a conv's output grid read a channels-last image [N, T, H, W, C] through the taps of a kernel:
/// grid pixel g reads image index g * stride - padding + k * dilation along each axis. Padding may be negative.
/// </summary>
internal readonly record struct ColumnMap(int Batch, Dims3 Image, int Channels, int Groups, Dims3 Grid,
    Dims3 Kernel, Dims3 Stride, Dims3 Padding, Dims3 Dilation)
{
    public int ChannelsPerGroup => Channels / Groups;

    public int Taps => (int)Kernel.Volume;

    /// <summary>Floats in one column row: every tap of every image channel.</summary>
    public int Width => checked(Taps * Channels);

    /// <summary>Pixels of the grid over the whole batch.</summary>
    public int GridPixels => checked(Batch * (int)Grid.Volume);

    /// <summary>The forward conv: output pixels reading the input.</summary>
    public static ColumnMap Forward(in Conv3dGeometry g) => new(g.Batch, g.Input, g.InChannels, g.Groups, g.Output,
        g.Kernel, g.Stride, g.Padding, g.Dilation);

    /// <summary>
    /// The input gradient of a unit-stride conv as a conv of its own: input pixels reading gradOutput (Cout channels)
    /// with padding dilation * (kernel - 1) - padding. Column tap k pairs with weight tap kernel - 1 - k (flipped).
    /// </summary>
    public static ColumnMap TransposedUnitStride(in Conv3dGeometry g)
    {
        var reach = new Dims3(g.Dilation.T * (g.Kernel.T - 1), g.Dilation.H * (g.Kernel.H - 1), g.Dilation.W * (g.Kernel.W - 1));
        var padding = new Dims3(reach.T - g.Padding.T, reach.H - g.Padding.H, reach.W - g.Padding.W);
        return new(g.Batch, g.Output, g.OutChannels, g.Groups, g.Input, g.Kernel, Dims3.Cube(1), padding, g.Dilation);
    }
}

/// <summary>
/// im2col and col2im between a channels-last image and the column matrix of a tile of grid pixels (see
/// <see cref="ColumnMap"/>). Column layout: columns[p, group, tap, c], row stride <see cref="ColumnMap.Width"/>,
/// with tap = (kt * kH + kh) * kW + kw and p counting grid pixels of the flattened [N, gT, gH, gW] from the tile's
/// first. For the forward map, row p of group g viewed as [taps * Cin/groups] matches row-for-row the weight
/// [kT, kH, kW, Cin/groups, Cout], so the conv and its gradients become GEMMs between columns and weight.
/// </summary>
internal static unsafe class Conv3dColumns
{
    /// <summary>im2col: fills the rows of grid pixels [firstPixel, firstPixel + count); taps outside the image read zero.</summary>
    public static void Gather(in ColumnMap m, float* image, float* columns, int firstPixel, int count) =>
        Walk<CopyToColumns>(m, image, columns, firstPixel, count, 0, m.Groups, 0, m.ChannelsPerGroup);

    /// <summary>
    /// col2im: adds the rows of grid pixels [firstPixel, firstPixel + count) into the image, for one group and the
    /// channels [channelStart, channelStart + channelCount) of that group only, so that threads given different
    /// (group, channel slice) pairs never add into the same element.
    /// </summary>
    public static void ScatterAdd(in ColumnMap m, float* columns, float* image, int firstPixel, int count,
        int group, int channelStart, int channelCount) =>
        Walk<AddToImage>(m, image, columns, firstPixel, count, group, group + 1, channelStart, channelCount);

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
    /// Visits every (grid pixel, tap, group) of the tile with the channel slice [channelStart, +channelCount).
    /// When one group covers all channels and the kernel is undilated along W, the kW taps of a kernel row are
    /// contiguous in both the columns and the image, so they move as one span of up to kW * C floats.
    /// </summary>
    private static void Walk<TMove>(in ColumnMap m, float* image, float* columns, int firstPixel, int count,
        int groupStart, int groupEnd, int channelStart, int channelCount) where TMove : struct, ISpanMove
    {
        int channels = m.Channels, perGroup = m.ChannelsPerGroup, taps = m.Taps, width = m.Width;
        int kT = m.Kernel.T, kH = m.Kernel.H, kW = m.Kernel.W;
        bool kernelRowsContiguous = channelCount == channels && m.Dilation.W == 1;
        int q = firstPixel;
        int pw = q % m.Grid.W; q /= m.Grid.W;
        int ph = q % m.Grid.H; q /= m.Grid.H;
        int pt = q % m.Grid.T;
        int n = q / m.Grid.T;
        for (int p = 0; p < count; p++)
        {
            float* row = columns + (long)p * width;
            int t0 = pt * m.Stride.T - m.Padding.T, h0 = ph * m.Stride.H - m.Padding.H, w0 = pw * m.Stride.W - m.Padding.W;
            for (int kt = 0; kt < kT; kt++)
            {
                int it = t0 + kt * m.Dilation.T;
                for (int kh = 0; kh < kH; kh++)
                {
                    int ih = h0 + kh * m.Dilation.H;
                    bool rowInside = (uint)it < (uint)m.Image.T && (uint)ih < (uint)m.Image.H;
                    int firstTap = (kt * kH + kh) * kW;
                    float* imageRow = image + ((long)(n * m.Image.T + it) * m.Image.H + ih) * m.Image.W * channels;
                    if (kernelRowsContiguous)
                    {
                        float* kernelRow = row + (long)firstTap * channels;
                        int lo = rowInside ? Math.Clamp(-w0, 0, kW) : kW;
                        int hi = rowInside ? Math.Clamp(m.Image.W - w0, lo, kW) : kW;
                        TMove.Padding(kernelRow, lo * channels);
                        if (hi > lo) TMove.Tap(kernelRow + lo * channels, imageRow + (long)(w0 + lo) * channels, (hi - lo) * channels);
                        TMove.Padding(kernelRow + hi * channels, (kW - hi) * channels);
                        continue;
                    }
                    for (int kw = 0; kw < kW; kw++)
                    {
                        int iw = w0 + kw * m.Dilation.W;
                        bool inside = rowInside && (uint)iw < (uint)m.Image.W;
                        for (int grp = groupStart; grp < groupEnd; grp++)
                        {
                            float* column = row + ((long)grp * taps + firstTap + kw) * perGroup + channelStart;
                            if (inside) TMove.Tap(column, imageRow + (long)iw * channels + grp * perGroup + channelStart, channelCount);
                            else TMove.Padding(column, channelCount);
                        }
                    }
                }
            }
            if (++pw < m.Grid.W) continue;
            pw = 0;
            if (++ph < m.Grid.H) continue;
            ph = 0;
            if (++pt < m.Grid.T) continue;
            pt = 0;
            n++;
        }
    }
}
