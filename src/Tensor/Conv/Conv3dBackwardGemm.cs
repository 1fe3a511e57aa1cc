using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Conv3d gradients lowered to GEMMs, so nearly all the arithmetic runs in the (blocked, multithreaded) GEMM and the
/// rest is streaming copies. Views used: gradOutput as [P, Cout] (P = N*To*Ho*Wo output pixels), weight as
/// [taps * Cin/groups, Cout], columns as in <see cref="Conv3dColumns"/>; group g owns weight and gradOutput columns
/// [g*Cout/groups, +Cout/groups). Pixels are processed in tiles whose column matrix stays within
/// <see cref="TileBudget"/> floats.
/// </summary>
internal static unsafe class Conv3dBackwardGemm
{
    /// <summary>
    /// Floats in one column tile (4 MiB, about the two cores' L2 together, each thread gathering its half): large
    /// enough that every GEMM has hundreds of pixels along M or K, so the operand it repacks on every call (the
    /// weight, or the weight gradient it accumulates into) costs little next to the arithmetic.
    /// </summary>
    private const int TileBudget = 1 << 20;

    /// <summary>The fewest pixels per tile, even for very wide column rows: below this the GEMMs get too thin.</summary>
    private const int MinTilePixels = 64;

    /// <summary>Channels per scatter slice when one group's channels are split across threads: one AVX-512 vector.</summary>
    private const int SliceGranule = 16;

    /// <summary>A 1x1x1 kernel at stride 1 without padding: the input itself is the column matrix, no im2col needed.</summary>
    public static bool IsPointwise(in Conv3dGeometry g) =>
        g.Kernel.Volume == 1 && g.Stride == Dims3.Cube(1) && g.Padding == Dims3.Cube(0);

    /// <summary>gradInput[:, group] = gradOutput[:, group] x weight[:, group]^T, one GEMM per group.</summary>
    public static void PointwiseInput(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        int pixels = (int)(g.Batch * g.Output.Volume), cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        fixed (float* dy = gradOutput, w = weight, dx = gradInput)
            for (int grp = 0; grp < g.Groups; grp++)
                Gemm.Gemm.Multiply(false, true, pixels, cinG, coutG, 1f, dy + grp * coutG, g.OutChannels,
                    w + grp * coutG, g.OutChannels, 0f, dx + grp * cinG, g.InChannels);
    }

    /// <summary>gradWeight[:, group] = input[:, group]^T x gradOutput[:, group], one GEMM per group.</summary>
    public static void PointwiseWeight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        int pixels = (int)(g.Batch * g.Output.Volume), cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        fixed (float* x = input, dy = gradOutput, dw = gradWeight)
            for (int grp = 0; grp < g.Groups; grp++)
                Gemm.Gemm.Multiply(true, false, cinG, coutG, pixels, 1f, x + grp * cinG, g.InChannels,
                    dy + grp * coutG, g.OutChannels, 0f, dw + grp * coutG, g.OutChannels);
    }

    /// <summary>
    /// The input gradient. At unit stride it is itself a conv (of gradOutput with the flipped, transposed weight), so
    /// tiles of input pixels gather gradOutput columns and one GEMM per group writes gradInput rows directly: no
    /// scatter, no read-modify-write. With a stride, most of those gathered taps would be holes, so strided convs
    /// take the blocked col2im instead.
    /// </summary>
    public static void Input(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        fixed (float* dy = gradOutput, w = weight, dx = gradInput)
        {
            if (g.Stride == Dims3.Cube(1)) TransposedConvInput(g, dy, w, dx);
            else ScatterInput(g, dy, w, dx);
        }
    }

    /// <summary>
    /// gradWeight[:, group] = sum over tiles of columns[:, group]^T x gradOutput[tile, group] (GEMM, A transposed,
    /// accumulating with beta = 1 after the first tile); the im2col tiles are gathered in parallel over pixels.
    /// </summary>
    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        var map = ColumnMap.Forward(g);
        int pixels = map.GridPixels, width = map.Width, tile = TilePixels(pixels, width);
        int coutG = g.OutChannelsPerGroup, groupWidth = map.Taps * g.InChannelsPerGroup;
        var (columns, capacity) = NativeBufferPool.Rent(checked(tile * width));
        try
        {
            fixed (float* x = input, dy = gradOutput, dw = gradWeight)
            {
                var gather = new GatherTile(map, x, (float*)columns);
                for (int first = 0; first < pixels; first += tile)
                {
                    int count = Math.Min(tile, pixels - first);
                    gather.Run(first, count);
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(true, false, groupWidth, coutG, count, 1f, (float*)columns + grp * groupWidth, width,
                            dy + (long)first * g.OutChannels + grp * coutG, g.OutChannels, first == 0 ? 0f : 1f,
                            dw + grp * coutG, g.OutChannels);
                }
            }
        }
        finally
        {
            NativeBufferPool.Return(columns, capacity);
        }
    }

    /// <summary>
    /// gradInput[tile, group] = columns[tile, group] x flippedWeight[group], the columns gathered from gradOutput by
    /// <see cref="ColumnMap.TransposedUnitStride"/> and flippedWeight [groups, taps, Cout/groups, Cin/groups].
    /// </summary>
    private static void TransposedConvInput(in Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var map = ColumnMap.TransposedUnitStride(g);
        int pixels = map.GridPixels, width = map.Width, tile = TilePixels(pixels, width);
        int cinG = g.InChannelsPerGroup, groupWidth = map.Taps * g.OutChannelsPerGroup;
        var (columns, columnCapacity) = NativeBufferPool.Rent(checked(tile * width));
        var (flipped, flippedCapacity) = NativeBufferPool.Rent(g.WeightLength);
        try
        {
            FlipAndTranspose(g, weight, (float*)flipped);
            var gather = new GatherTile(map, gradOutput, (float*)columns);
            for (int first = 0; first < pixels; first += tile)
            {
                int count = Math.Min(tile, pixels - first);
                gather.Run(first, count);
                for (int grp = 0; grp < g.Groups; grp++)
                    Gemm.Gemm.Multiply(false, false, count, cinG, groupWidth, 1f, (float*)columns + grp * groupWidth, width,
                        (float*)flipped + (long)grp * groupWidth * cinG, cinG, 0f, gradInput + (long)first * g.InChannels + grp * cinG,
                        g.InChannels);
            }
        }
        finally
        {
            NativeBufferPool.Return(columns, columnCapacity);
            NativeBufferPool.Return(flipped, flippedCapacity);
        }
    }

    /// <summary>flipped[group, k, co, ci] = weight[taps - 1 - k, ci, group * Cout/groups + co].</summary>
    private static void FlipAndTranspose(in Conv3dGeometry g, float* weight, float* flipped)
    {
        int taps = (int)g.Kernel.Volume, cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        for (int grp = 0; grp < g.Groups; grp++)
        for (int k = 0; k < taps; k++)
        {
            float* source = weight + (long)(taps - 1 - k) * cinG * g.OutChannels + grp * coutG;
            float* target = flipped + ((long)grp * taps + k) * coutG * cinG;
            for (int ci = 0; ci < cinG; ci++)
            for (int co = 0; co < coutG; co++)
                target[co * cinG + ci] = source[(long)ci * g.OutChannels + co];
        }
    }

    /// <summary>
    /// Blocked col2im for strided convs. Per tile of output pixels: columnGrad[p, group] = gradOutput[p, group] x
    /// weight[:, group]^T (GEMM, B transposed), then the column gradient is scatter-added into gradInput, split across
    /// threads by (group, channel slice) so no two threads add into the same element.
    /// </summary>
    private static void ScatterInput(in Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var map = ColumnMap.Forward(g);
        int pixels = map.GridPixels, width = map.Width, tile = TilePixels(pixels, width);
        int coutG = g.OutChannelsPerGroup, groupWidth = map.Taps * g.InChannelsPerGroup;
        new Span<float>(gradInput, g.InputLength).Clear();
        var (columns, capacity) = NativeBufferPool.Rent(checked(tile * width));
        try
        {
            var scatter = new ScatterTile(map, (float*)columns, gradInput, SliceWidth(g.InChannelsPerGroup, g.Groups));
            for (int first = 0; first < pixels; first += tile)
            {
                int count = Math.Min(tile, pixels - first);
                for (int grp = 0; grp < g.Groups; grp++)
                    Gemm.Gemm.Multiply(false, true, count, groupWidth, coutG, 1f, gradOutput + (long)first * g.OutChannels + grp * coutG,
                        g.OutChannels, weight + grp * coutG, g.OutChannels, 0f, (float*)columns + grp * groupWidth, width);
                scatter.Run(first, count);
            }
        }
        finally
        {
            NativeBufferPool.Return(columns, capacity);
        }
    }

    /// <summary>Pixels per tile: as many as the budget allows, at least <see cref="MinTilePixels"/>, and tiles of equal size.</summary>
    private static int TilePixels(int pixels, int width)
    {
        int tile = Math.Clamp(TileBudget / width, Math.Min(MinTilePixels, pixels), pixels);
        int tiles = (pixels + tile - 1) / tile;
        return (pixels + tiles - 1) / tiles;
    }

    /// <summary>
    /// Channels per scatter slice: whole groups when there are at least as many groups as threads, otherwise a
    /// group's channels split into vector-wide slices so every thread gets one.
    /// </summary>
    private static int SliceWidth(int cinG, int groups)
    {
        int slicesPerGroup = Math.Min((ParallelFor.Threads + groups - 1) / groups, cinG / SliceGranule);
        if (slicesPerGroup <= 1) return cinG;
        int width = (cinG + slicesPerGroup - 1) / slicesPerGroup;
        return (width + SliceGranule - 1) / SliceGranule * SliceGranule;
    }

    /// <summary>Gathers a tile's column rows, one item per chunk of its pixels.</summary>
    private struct GatherTile(ColumnMap map, float* image, float* columns) : IParallelBody
    {
        /// <summary>Chunks per tile: several per thread, so uneven chunks (padding rows are cheaper) still balance.</summary>
        private const int Chunks = 32;

        private int _first, _count, _chunk;

        public void Run(int first, int count)
        {
            (_first, _count, _chunk) = (first, count, (count + Chunks - 1) / Chunks);
            ParallelFor.Run((count + _chunk - 1) / _chunk, ref this);
        }

        public readonly void Invoke(int index)
        {
            int start = index * _chunk, count = Math.Min(_chunk, _count - start);
            Conv3dColumns.Gather(map, image, columns + (long)start * map.Width, _first + start, count);
        }
    }

    /// <summary>Scatter-adds a tile's column gradient, one item per (group, channel slice).</summary>
    private struct ScatterTile(ColumnMap map, float* columns, float* gradInput, int sliceWidth) : IParallelBody
    {
        private readonly int _slices = (map.ChannelsPerGroup + sliceWidth - 1) / sliceWidth;
        private int _first, _count;

        public void Run(int first, int count)
        {
            (_first, _count) = (first, count);
            ParallelFor.Run(map.Groups * _slices, ref this);
        }

        public readonly void Invoke(int index)
        {
            int grp = index / _slices, start = index % _slices * sliceWidth;
            int length = Math.Min(sliceWidth, map.ChannelsPerGroup - start);
            Conv3dColumns.ScatterAdd(map, columns, gradInput, _first, _count, grp, start, length);
        }
    }
}
