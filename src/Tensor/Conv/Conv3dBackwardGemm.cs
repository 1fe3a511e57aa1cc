using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Conv3d gradients lowered to GEMMs, so nearly all the arithmetic runs in the (blocked, multithreaded) GEMM and the
/// rest is streaming copies. Views used: gradOutput as [P, Cout] (P = N*To*Ho*Wo output pixels), weight as
/// [taps * Cin/groups, Cout], column tiles as in <see cref="Conv3dColumns"/>, cut by <see cref="ColumnTiling"/>;
/// group g owns weight and gradOutput columns [g*Cout/groups, +Cout/groups).
/// </summary>
internal static unsafe class Conv3dBackwardGemm
{
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
    /// gradWeight[taps of tile, group] += columns[tile, group]^T x gradOutput[pixels of tile, group] (GEMM, A
    /// transposed; beta = 0 for the first pixels, then accumulating); the column tiles are gathered in parallel.
    /// </summary>
    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        var map = ColumnMap.Forward(g);
        var plan = ColumnTiling.Plan(map);
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        var (columns, capacity) = NativeBufferPool.Rent(plan.BufferLength(map));
        try
        {
            fixed (float* x = input, dy = gradOutput, dw = gradWeight)
            {
                var gather = new GatherTile(map, x, (float*)columns);
                foreach (var tile in plan.Tiles(map))
                {
                    gather.Run(tile);
                    int groupWidth = tile.Taps(map) * cinG;
                    float* weightRows = dw + (long)tile.FirstRow * g.Kernel.W * cinG * g.OutChannels;
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(true, false, groupWidth, coutG, tile.Pixels, 1f, (float*)columns + grp * groupWidth,
                            tile.Width(map), dy + (long)tile.FirstPixel * g.OutChannels + grp * coutG, g.OutChannels,
                            tile.FirstPixel == 0 ? 0f : 1f, weightRows + grp * coutG, g.OutChannels);
                }
            }
        }
        finally
        {
            NativeBufferPool.Return(columns, capacity);
        }
    }

    /// <summary>
    /// gradInput[pixels of tile, group] += columns[tile, group] x flippedWeight[group, taps of tile] (beta = 0 for the
    /// first kernel rows, then accumulating), the columns gathered from gradOutput by
    /// <see cref="ColumnMap.TransposedUnitStride"/> and flippedWeight laid out [groups, taps, Cout/groups, Cin/groups].
    /// </summary>
    private static void TransposedConvInput(in Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var map = ColumnMap.TransposedUnitStride(g);
        var plan = ColumnTiling.Plan(map);
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup, taps = (int)g.Kernel.Volume;
        var (columns, columnCapacity) = NativeBufferPool.Rent(plan.BufferLength(map));
        var (flipped, flippedCapacity) = NativeBufferPool.Rent(g.WeightLength);
        try
        {
            FlipAndTranspose(g, weight, (float*)flipped);
            var gather = new GatherTile(map, gradOutput, (float*)columns);
            foreach (var tile in plan.Tiles(map))
            {
                gather.Run(tile);
                int groupWidth = tile.Taps(map) * coutG, firstTap = tile.FirstRow * g.Kernel.W;
                for (int grp = 0; grp < g.Groups; grp++)
                    Gemm.Gemm.Multiply(false, false, tile.Pixels, cinG, groupWidth, 1f, (float*)columns + grp * groupWidth, tile.Width(map),
                        (float*)flipped + ((long)grp * taps + firstTap) * coutG * cinG, cinG, tile.FirstRow == 0 ? 0f : 1f,
                        gradInput + (long)tile.FirstPixel * g.InChannels + grp * cinG, g.InChannels);
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
    /// Blocked col2im for strided convs. Per tile: columnGrad[tile, group] = gradOutput[pixels of tile, group] x
    /// weight[taps of tile, group]^T (GEMM, B transposed), then the column gradient is scatter-added into gradInput,
    /// split across threads by (group, channel slice) so no two threads add into the same element.
    /// </summary>
    private static void ScatterInput(in Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var map = ColumnMap.Forward(g);
        var plan = ColumnTiling.Plan(map);
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        new Span<float>(gradInput, g.InputLength).Clear();
        var (columns, capacity) = NativeBufferPool.Rent(plan.BufferLength(map));
        try
        {
            var scatter = new ScatterTile(map, (float*)columns, gradInput, SliceWidth(cinG, g.Groups));
            foreach (var tile in plan.Tiles(map))
            {
                int groupWidth = tile.Taps(map) * cinG;
                float* weightRows = weight + (long)tile.FirstRow * g.Kernel.W * cinG * g.OutChannels;
                for (int grp = 0; grp < g.Groups; grp++)
                    Gemm.Gemm.Multiply(false, true, tile.Pixels, groupWidth, coutG, 1f, gradOutput + (long)tile.FirstPixel * g.OutChannels + grp * coutG,
                        g.OutChannels, weightRows + grp * coutG, g.OutChannels, 0f, (float*)columns + grp * groupWidth, tile.Width(map));
                scatter.Run(tile);
            }
        }
        finally
        {
            NativeBufferPool.Return(columns, capacity);
        }
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

    /// <summary>Gathers a tile's columns, one item per chunk of its pixels.</summary>
    private struct GatherTile(ColumnMap map, float* image, float* columns) : IParallelBody
    {
        /// <summary>Items per tile: several per thread, so uneven chunks (padding rows are cheaper) still balance.</summary>
        private const int Items = 16;

        private ColumnTile _tile;
        private int _chunk;

        public void Run(in ColumnTile tile)
        {
            (_tile, _chunk) = (tile, (tile.Pixels + Items - 1) / Items);
            ParallelFor.Run((tile.Pixels + _chunk - 1) / _chunk, ref this);
        }

        public readonly void Invoke(int index)
        {
            int start = index * _chunk;
            var part = _tile with { FirstPixel = _tile.FirstPixel + start, Pixels = Math.Min(_chunk, _tile.Pixels - start) };
            Conv3dColumns.Gather(map, image, columns + (long)start * _tile.Width(map), part);
        }
    }

    /// <summary>Scatter-adds a tile's column gradient, one item per (group, channel slice).</summary>
    private struct ScatterTile(ColumnMap map, float* columns, float* gradInput, int sliceWidth) : IParallelBody
    {
        private readonly int _slices = (map.ChannelsPerGroup + sliceWidth - 1) / sliceWidth;
        private ColumnTile _tile;

        public void Run(in ColumnTile tile)
        {
            _tile = tile;
            ParallelFor.Run(map.Groups * _slices, ref this);
        }

        public readonly void Invoke(int index)
        {
            int grp = index / _slices, start = index % _slices * sliceWidth;
            int length = Math.Min(sliceWidth, map.ChannelsPerGroup - start);
            Conv3dColumns.ScatterAdd(map, columns, gradInput, _tile, grp, start, length);
        }
    }
}
