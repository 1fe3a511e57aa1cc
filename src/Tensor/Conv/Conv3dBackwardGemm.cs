using System.Numerics.Tensors;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Conv3d gradients lowered to GEMMs, so nearly all the arithmetic runs in the GEMM and the rest is streaming copies.
/// Views used: gradOutput as [P, Cout] (P = N*To*Ho*Wo output pixels), weight as [taps * Cin/groups, Cout], column
/// tiles as in <see cref="Conv3dColumns"/>, cut by <see cref="ColumnTiling"/>; group g owns weight and gradOutput
/// columns [g*Cout/groups, +Cout/groups).
/// </summary>
/// <remarks>
/// Threads: where there are enough independent tiles, each thread runs whole pipelines (gather a tile into its own
/// cache, then single-threaded GEMMs on it, the GEMM's own parallel loop running inline), so no tile crosses cores and
/// no barrier is paid per tile, which on small tiles costs as much as the gather. Otherwise the tiles run one after
/// another on the calling thread and the GEMM spreads each product over the threads.
/// </remarks>
internal static unsafe class Conv3dBackwardGemm
{
    /// <summary>Independent work items per thread wanted before threads run whole pipelines: evens out uneven items.</summary>
    private const int ItemsPerThread = 4;

    /// <summary>Floats all partial weight gradients together may take (16 MiB); fewer parts beyond that.</summary>
    private const int PartialsBudget = 1 << 22;

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
    /// The input gradient, by whichever of two lowerings moves fewer column elements. At unit stride it is itself a
    /// conv of gradOutput with the flipped, transposed weight: gathered gradOutput columns (taps * Cout per input
    /// pixel) times that weight, written straight into gradInput rows, with no read-modify-write and no two threads
    /// sharing a row. The blocked col2im instead has the GEMM produce column gradients (taps * Cin per output pixel)
    /// that are scatter-added into gradInput; it works for any stride and is the smaller when
    /// Cin * outputPixels &lt;= Cout * inputPixels (as in most layers, which widen or keep their channels).
    /// </summary>
    public static void Input(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        fixed (float* dy = gradOutput, w = weight, dx = gradInput)
        {
            if (g.Stride == Dims3.Cube(1) && (long)g.OutChannels * g.Input.Volume < (long)g.InChannels * g.Output.Volume)
                TransposedConvInput(g, dy, w, dx);
            else ScatterInput(g, dy, w, dx);
        }
    }

    /// <summary>
    /// gradWeight[taps of chunk, group] = sum over pixel tiles of columns[tile, group]^T x gradOutput[tile, group]
    /// (GEMM, A transposed). Work items are (pixel part, kernel-row chunk) pairs: chunks write disjoint rows of the
    /// gradient, parts accumulate into their own partial gradients, which are added at the end.
    /// </summary>
    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        var map = ColumnMap.Forward(g);
        var plan = ColumnTiling.Plan(map);
        int tiles = plan.PixelTiles(map), length = g.WeightLength;
        int parts = Math.Clamp((ItemsPerThread * ParallelFor.Threads + plan.Chunks - 1) / plan.Chunks, 1, tiles);
        parts = Math.Min(parts, 1 + PartialsBudget / length);
        var (partials, capacity) = NativeBufferPool.Rent(checked((parts - 1) * length));
        try
        {
            fixed (float* x = input, dy = gradOutput, dw = gradWeight)
            {
                var body = new WeightPipeline(g, map, plan, x, dy, dw, (float*)partials, parts);
                RunItems(parts * plan.Chunks, ref body);
            }
            for (int part = 1; part < parts; part++)
                TensorPrimitives.Add(gradWeight,
                    new ReadOnlySpan<float>((float*)partials + (long)(part - 1) * length, length), gradWeight);
        }
        finally
        {
            NativeBufferPool.Return(partials, capacity);
        }
    }

    /// <summary>
    /// gradInput[pixels of tile, group] = sum over kernel-row chunks of columns[tile, group] x flippedWeight[group,
    /// taps of chunk], the columns gathered from gradOutput by <see cref="ColumnMap.TransposedUnitStride"/> and
    /// flippedWeight laid out [groups, taps, Cout/groups, Cin/groups]. One work item per pixel tile.
    /// </summary>
    private static void TransposedConvInput(in Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var map = ColumnMap.TransposedUnitStride(g);
        var plan = ColumnTiling.Plan(map);
        var (flipped, capacity) = NativeBufferPool.Rent(g.WeightLength);
        try
        {
            FlipAndTranspose(g, weight, (float*)flipped);
            var body = new TransposedInputPipeline(g, map, plan, gradOutput, (float*)flipped, gradInput);
            RunItems(plan.PixelTiles(map), ref body);
        }
        finally
        {
            NativeBufferPool.Return(flipped, capacity);
        }
    }

    /// <summary>flipped[group, k, co, ci] = weight[taps - 1 - k, ci, group * Cout/groups + co].</summary>
    private static void FlipAndTranspose(in Conv3dGeometry g, float* weight, float* flipped)
    {
        int taps = (int)g.Kernel.Volume, cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        for (int grp = 0; grp < g.Groups; grp++)
        for (int k = 0; k < taps; k++)
            Gemm.BlockTranspose.Run(weight + (long)(taps - 1 - k) * cinG * g.OutChannels + grp * coutG, g.OutChannels, cinG, coutG,
                flipped + ((long)grp * taps + k) * coutG * cinG, cinG);
    }

    /// <summary>
    /// Blocked col2im. Per tile: columnGrad[tile, group] = gradOutput[pixels of tile, group] x weight[taps of tile,
    /// group]^T (GEMM, B transposed), then scatter-added into gradInput. Tiles overlap in gradInput, so threads get
    /// parts of whole output frames in two phases, even parts then odd parts: each part spans enough frames that
    /// the parts of one phase never reach the same input frame.
    /// </summary>
    private static void ScatterInput(in Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput)
    {
        var map = ColumnMap.Forward(g);
        int frames = g.Batch * g.Output.T;
        int reach = (g.Kernel.T - 1) * g.Dilation.T, framesPerPart = Math.Max(1, (reach + g.Stride.T - 1) / g.Stride.T);
        int parts = Math.Min(frames / framesPerPart, 2 * ItemsPerThread * ParallelFor.Threads);
        new Span<float>(gradInput, g.InputLength).Clear();
        var body = new ScatterPipeline(g, map, ColumnTiling.Plan(map), gradOutput, weight, gradInput, parts);
        if (parts < 2 * ParallelFor.Threads)
        {
            body.RunAlone();
            return;
        }
        body.Phase = 0;
        ParallelFor.Run((parts + 1) / 2, ref body);
        body.Phase = 1;
        ParallelFor.Run(parts / 2, ref body);
    }

    /// <summary>
    /// Runs the items on the threads, each item whole, when there are enough of them to keep every thread busy;
    /// otherwise one after another on this thread, so that the GEMMs inside run multithreaded.
    /// </summary>
    private static void RunItems<TBody>(int count, ref TBody body) where TBody : unmanaged, IParallelBody
    {
        if (count >= ItemsPerThread * ParallelFor.Threads)
        {
            ParallelFor.Run(count, ref body);
            return;
        }
        for (int i = 0; i < count; i++) body.Invoke(i);
    }

    /// <summary>Item (part, chunk): gathers and multiplies the part's pixel tiles for one kernel-row chunk.</summary>
    private readonly struct WeightPipeline(Conv3dGeometry g, ColumnMap map, ColumnTiling plan, float* input,
        float* gradOutput, float* gradWeight, float* partials, int parts) : IParallelBody
    {
        public void Invoke(int index)
        {
            int part = index / plan.Chunks, chunk = index % plan.Chunks, tiles = plan.PixelTiles(map);
            int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
            float* sums = part == 0 ? gradWeight : partials + (long)(part - 1) * g.WeightLength;
            int firstTile = (int)((long)part * tiles / parts), endTile = (int)((long)(part + 1) * tiles / parts);
            var (columns, capacity) = NativeBufferPool.Rent(plan.BufferLength(map));
            try
            {
                for (int pixelTile = firstTile; pixelTile < endTile; pixelTile++)
                {
                    var tile = plan.Tile(map, pixelTile, chunk);
                    Conv3dColumns.Gather(map, input, (float*)columns, tile);
                    int groupWidth = tile.Taps(map) * cinG;
                    float* rows = sums + (long)tile.FirstRow * g.Kernel.W * cinG * g.OutChannels;
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(true, false, groupWidth, coutG, tile.Pixels, 1f, (float*)columns + grp * groupWidth,
                            tile.Width(map), gradOutput + (long)tile.FirstPixel * g.OutChannels + grp * coutG, g.OutChannels,
                            pixelTile == firstTile ? 0f : 1f, rows + grp * coutG, g.OutChannels);
                }
            }
            finally
            {
                NativeBufferPool.Return(columns, capacity);
            }
        }
    }

    /// <summary>Item pixelTile: gathers gradOutput columns chunk by chunk and accumulates the tile's gradInput rows.</summary>
    private readonly struct TransposedInputPipeline(Conv3dGeometry g, ColumnMap map, ColumnTiling plan, float* gradOutput,
        float* flipped, float* gradInput) : IParallelBody
    {
        public void Invoke(int pixelTile)
        {
            int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup, taps = (int)g.Kernel.Volume;
            var (columns, capacity) = NativeBufferPool.Rent(plan.BufferLength(map));
            try
            {
                for (int chunk = 0; chunk < plan.Chunks; chunk++)
                {
                    var tile = plan.Tile(map, pixelTile, chunk);
                    Conv3dColumns.Gather(map, gradOutput, (float*)columns, tile);
                    int groupWidth = tile.Taps(map) * coutG, firstTap = tile.FirstRow * g.Kernel.W;
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(false, false, tile.Pixels, cinG, groupWidth, 1f, (float*)columns + grp * groupWidth,
                            tile.Width(map), flipped + ((long)grp * taps + firstTap) * coutG * cinG, cinG, chunk == 0 ? 0f : 1f,
                            gradInput + (long)tile.FirstPixel * g.InChannels + grp * cinG, g.InChannels);
                }
            }
            finally
            {
                NativeBufferPool.Return(columns, capacity);
            }
        }
    }

    /// <summary>Item i of a phase: part 2i + Phase, its output frames tile by tile, GEMM then scatter.</summary>
    private struct ScatterPipeline(Conv3dGeometry g, ColumnMap map, ColumnTiling plan, float* gradOutput, float* weight,
        float* gradInput, int parts) : IParallelBody
    {
        public int Phase;

        /// <summary>All frames as one part on the calling thread, the GEMMs spreading over the threads.</summary>
        public readonly void RunAlone() => Scatter(0, map.GridPixels);

        public readonly void Invoke(int index)
        {
            int part = 2 * index + Phase, frames = g.Batch * g.Output.T, framePixels = g.Output.H * g.Output.W;
            int firstFrame = (int)((long)part * frames / parts), endFrame = (int)((long)(part + 1) * frames / parts);
            Scatter(firstFrame * framePixels, endFrame * framePixels);
        }

        private readonly void Scatter(int firstPixel, int endPixel)
        {
            int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
            var (columns, capacity) = NativeBufferPool.Rent(plan.BufferLength(map));
            try
            {
                for (int first = firstPixel; first < endPixel; first += plan.TilePixels)
                for (int chunk = 0; chunk < plan.Chunks; chunk++)
                {
                    var tile = plan.Tile(map, first, Math.Min(plan.TilePixels, endPixel - first), chunk);
                    int groupWidth = tile.Taps(map) * cinG;
                    float* weightRows = weight + (long)tile.FirstRow * g.Kernel.W * cinG * g.OutChannels;
                    for (int grp = 0; grp < g.Groups; grp++)
                        Gemm.Gemm.Multiply(false, true, tile.Pixels, groupWidth, coutG, 1f,
                            gradOutput + (long)first * g.OutChannels + grp * coutG, g.OutChannels,
                            weightRows + grp * coutG, g.OutChannels, 0f, (float*)columns + grp * groupWidth, tile.Width(map));
                    Conv3dColumns.ScatterAdd(map, (float*)columns, gradInput, tile);
                }
            }
            finally
            {
                NativeBufferPool.Return(columns, capacity);
            }
        }
    }
}
