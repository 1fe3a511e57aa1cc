using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Conv3d gradients lowered to GEMMs, so nearly all the arithmetic runs in the (blocked, multithreaded) GEMM.
/// Views used: gradOutput as [P, Cout] (P = N*To*Ho*Wo output pixels), weight as [taps * Cin/groups, Cout],
/// columns as in <see cref="Conv3dColumns"/>; group g owns weight and gradOutput columns [g*Cout/groups, +Cout/groups).
/// Output pixels are processed in tiles whose column matrix stays within <see cref="TileBudget"/> floats.
/// </summary>
internal static unsafe class Conv3dBackwardGemm
{
    /// <summary>
    /// Floats in one column tile (4 MiB): large enough that the weight-gradient GEMM reduces over hundreds of pixels
    /// per call and the input-gradient GEMM has hundreds of rows, small enough that the tile the GEMM writes is
    /// still in cache (L3) when it is scattered.
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
    /// Blocked col2im. Per tile: columnGrad[p, group] = gradOutput[p, group] x weight[:, group]^T (GEMM, B transposed),
    /// then the column gradient is scatter-added into gradInput, split across threads by (group, channel slice) so no
    /// two threads add into the same element.
    /// </summary>
    public static void Input(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        int pixels = (int)(g.Batch * g.Output.Volume), width = Conv3dColumns.Width(g), tile = TilePixels(pixels, width);
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup, groupWidth = (int)g.Kernel.Volume * cinG;
        gradInput.Clear();
        var (buffer, capacity) = NativeBufferPool.Rent(checked(tile * width));
        try
        {
            fixed (float* dy = gradOutput, w = weight, dx = gradInput)
            {
                var scatter = new ScatterTile(g, (float*)buffer, dx, SliceWidth(cinG, g.Groups));
                for (int first = 0; first < pixels; first += tile)
                {
                    int count = Math.Min(tile, pixels - first);
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(false, true, count, groupWidth, coutG, 1f, dy + (long)first * g.OutChannels + grp * coutG,
                            g.OutChannels, w + grp * coutG, g.OutChannels, 0f, (float*)buffer + grp * groupWidth, width);
                    scatter.FirstPixel = first;
                    scatter.Count = count;
                    ParallelFor.Run(scatter.Items, ref scatter);
                }
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>
    /// gradWeight[:, group] = sum over tiles of columns[:, group]^T x gradOutput[tile, group] (GEMM, A transposed,
    /// accumulating with beta = 1 after the first tile); the im2col tiles are gathered in parallel over pixels.
    /// </summary>
    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        int pixels = (int)(g.Batch * g.Output.Volume), width = Conv3dColumns.Width(g), tile = TilePixels(pixels, width);
        int coutG = g.OutChannelsPerGroup, groupWidth = (int)g.Kernel.Volume * g.InChannelsPerGroup;
        var (buffer, capacity) = NativeBufferPool.Rent(checked(tile * width));
        try
        {
            fixed (float* x = input, dy = gradOutput, dw = gradWeight)
            {
                var gather = new GatherTile(g, x, (float*)buffer);
                for (int first = 0; first < pixels; first += tile)
                {
                    int count = Math.Min(tile, pixels - first);
                    gather.FirstPixel = first;
                    gather.Count = count;
                    gather.ChunkPixels = (count + GatherTile.Chunks - 1) / GatherTile.Chunks;
                    ParallelFor.Run((count + gather.ChunkPixels - 1) / gather.ChunkPixels, ref gather);
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(true, false, groupWidth, coutG, count, 1f, (float*)buffer + grp * groupWidth, width,
                            dy + (long)first * g.OutChannels + grp * coutG, g.OutChannels, first == 0 ? 0f : 1f,
                            dw + grp * coutG, g.OutChannels);
                }
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
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

    /// <summary>One item per (group, channel slice): scatter-adds the tile's column gradient of that slice.</summary>
    private struct ScatterTile(Conv3dGeometry g, float* columns, float* gradInput, int sliceWidth) : IParallelBody
    {
        private readonly Conv3dGeometry _g = g;
        private readonly int _slices = (g.InChannelsPerGroup + sliceWidth - 1) / sliceWidth;
        public int FirstPixel, Count;

        public readonly int Items => _g.Groups * _slices;

        public readonly void Invoke(int index)
        {
            int grp = index / _slices, start = index % _slices * sliceWidth;
            int length = Math.Min(sliceWidth, _g.InChannelsPerGroup - start);
            Conv3dColumns.ScatterAdd(_g, columns, gradInput, FirstPixel, Count, grp, start, length);
        }
    }

    /// <summary>One item per chunk of the tile's pixels: gathers their column rows.</summary>
    private struct GatherTile(Conv3dGeometry g, float* input, float* columns) : IParallelBody
    {
        /// <summary>Chunks per tile: several per thread, so uneven chunks (padding rows are cheaper) still balance.</summary>
        public const int Chunks = 32;

        private readonly Conv3dGeometry _g = g;
        public int FirstPixel, Count, ChunkPixels;

        public readonly void Invoke(int index)
        {
            int start = index * ChunkPixels, count = Math.Min(ChunkPixels, Count - start);
            Conv3dColumns.Gather(_g, input, columns + (long)start * Conv3dColumns.Width(_g), FirstPixel + start, count);
        }
    }
}
