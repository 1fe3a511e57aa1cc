using System.Numerics;
using System.Runtime.CompilerServices;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// im2col and col2im between a channels-last image and one <see cref="ColumnTile"/> of the column matrix (see
/// <see cref="ColumnMap"/>). Tile layout: columns[p, group, tap, c], row stride <see cref="ColumnTile.Width"/>,
/// with p counting the tile's pixels of the flattened grid [N, gT, gH, gW] and tap counting the tile's taps in
/// kernel order (kt, kh, kw). For the forward map, row p of group g viewed as [taps * Cin/groups] matches
/// row-for-row the weight [kT, kH, kW, Cin/groups, Cout] from the tile's first tap on, so the conv and its
/// gradients become GEMMs between column tiles and weight slices.
/// </summary>
internal static unsafe class Conv3dColumns
{
    /// <summary>im2col: fills the tile's columns, row stride <see cref="ColumnTile.Width"/>; taps outside the image read zero.</summary>
    public static void Gather(in ColumnMap m, float* image, float* columns, in ColumnTile tile) =>
        Walk<CopyToColumns>(m, image, columns, tile);

    /// <summary>col2im: adds the tile's columns into the image; taps outside the image are dropped.</summary>
    public static void ScatterAdd(in ColumnMap m, float* columns, float* image, in ColumnTile tile) =>
        Walk<AddToImage>(m, image, columns, tile);

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
        /// <summary>Inlined rather than a TensorPrimitives call: a span is often a vector or two, one per (pixel, tap).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tap(float* column, float* image, int length)
        {
            int i = 0;
            for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Store(Vector.Load(image + i) + Vector.Load(column + i), image + i);
            for (; i < length; i++) image[i] += column[i];
        }

        public static void Padding(float* column, int length) { }
    }

    /// <summary>
    /// Visits every (grid pixel, tap, group) of the tile.
    /// When there is one group and the kernel is undilated along W, the kW taps of a kernel row are
    /// contiguous in both the columns and the image, so they move as one span of up to kW * C floats.
    /// </summary>
    private static void Walk<TMove>(in ColumnMap m, float* image, float* columns, in ColumnTile tile) where TMove : struct, ISpanMove
    {
        int channels = m.Channels, perGroup = m.ChannelsPerGroup, taps = tile.Taps(m), width = tile.Width(m);
        int kH = m.Kernel.H, kW = m.Kernel.W;
        bool kernelRowsContiguous = m.Groups == 1 && m.Dilation.W == 1;
        int q = tile.FirstPixel;
        int pw = q % m.Grid.W; q /= m.Grid.W;
        int ph = q % m.Grid.H; q /= m.Grid.H;
        int pt = q % m.Grid.T;
        int n = q / m.Grid.T;
        for (int p = 0; p < tile.Pixels; p++)
        {
            float* row = columns + (long)p * width;
            int t0 = pt * m.Stride.T - m.Padding.T, h0 = ph * m.Stride.H - m.Padding.H, w0 = pw * m.Stride.W - m.Padding.W;
            for (int r = 0; r < tile.Rows; r++)
            {
                int kt = (tile.FirstRow + r) / kH, kh = (tile.FirstRow + r) % kH;
                int it = t0 + kt * m.Dilation.T, ih = h0 + kh * m.Dilation.H;
                bool rowInside = (uint)it < (uint)m.Image.T && (uint)ih < (uint)m.Image.H;
                int firstTap = r * kW;
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
                    for (int grp = 0; grp < m.Groups; grp++)
                    {
                        float* column = row + ((long)grp * taps + firstTap + kw) * perGroup;
                        if (inside) TMove.Tap(column, imageRow + (long)iw * channels + grp * perGroup, perGroup);
                        else TMove.Padding(column, perGroup);
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
