namespace NativeDance.Tensors.Conv;

/// <summary>
/// How the pixels of a conv's output grid read a channels-last image [N, T, H, W, C] through the taps of a kernel:
/// grid pixel g reads image index g * stride - padding + k * dilation along each axis. Padding may be negative.
/// </summary>
internal readonly record struct ColumnMap(int Batch, Dims3 Image, int Channels, int Groups, Dims3 Grid,
    Dims3 Kernel, Dims3 Stride, Dims3 Padding, Dims3 Dilation)
{
    /// <summary>Image channels per group.</summary>
    public int ChannelsPerGroup => Channels / Groups;

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
/// A block of the column matrix: grid pixels [FirstPixel, +Pixels) by kernel rows [FirstRow, +Rows), a kernel row
/// being the kW taps of one (kt, kh) with kernel row index kt * kH + kh.
/// </summary>
internal readonly record struct ColumnTile(int FirstPixel, int Pixels, int FirstRow, int Rows)
{
    /// <summary>Taps in the tile; the first is tap FirstRow * kW of the kernel.</summary>
    public int Taps(in ColumnMap m) => Rows * m.Kernel.W;

    /// <summary>Floats in one row of the tile.</summary>
    public int Width(in ColumnMap m) => Taps(m) * m.Channels;
}

/// <summary>
/// How a conv's column matrix is cut into <see cref="ColumnTile"/>s: every tile fits <see cref="Budget"/> floats,
/// and holds at least <see cref="TargetPixels"/> pixels where the budget allows, the kernel rows being split into
/// chunks to make room. Why both: a GEMM on a tile repacks its fixed operand (the weight slice, or the weight
/// gradient it accumulates into) on every call, which costs little only when the pixel dimension is long, while the
/// tile itself should stay in L2 between being gathered and being read by the GEMM.
/// </summary>
internal readonly record struct ColumnTiling(int TilePixels, int RowsPerChunk, int Chunks)
{
    /// <summary>Floats per tile: 1 MiB, within one core's L2 (1-2 MiB on current x64 cores) beside the GEMM's packed panels.</summary>
    public const int Budget = 1 << 18;

    /// <summary>Pixels per tile the kernel rows are chunked for.</summary>
    public const int TargetPixels = 256;

    /// <summary>The fewest pixels per tile even when one kernel row alone exceeds the budget: thinner GEMMs crawl.</summary>
    private const int MinPixels = 64;

    /// <summary>Floats a scratch buffer needs to hold any tile of this plan.</summary>
    public int BufferLength(in ColumnMap m) => checked(TilePixels * RowsPerChunk * m.Kernel.W * m.Channels);

    /// <summary>Number of pixel ranges the grid is cut into; each has <see cref="Chunks"/> tiles.</summary>
    public int PixelTiles(in ColumnMap m) => (m.GridPixels + TilePixels - 1) / TilePixels;

    /// <summary>The tile of kernel-row chunk <paramref name="chunk"/> over pixel range <paramref name="pixelTile"/>.</summary>
    public ColumnTile Tile(in ColumnMap m, int pixelTile, int chunk)
    {
        int first = pixelTile * TilePixels;
        return Tile(m, first, Math.Min(TilePixels, m.GridPixels - first), chunk);
    }

    /// <summary>The tile of kernel-row chunk <paramref name="chunk"/> over the pixels [first, first + pixels).</summary>
    public ColumnTile Tile(in ColumnMap m, int first, int pixels, int chunk)
    {
        int firstRow = chunk * RowsPerChunk;
        return new(first, pixels, firstRow, Math.Min(RowsPerChunk, m.Kernel.T * m.Kernel.H - firstRow));
    }

    /// <summary>The tiling of <paramref name="m"/>'s column matrix; tiles of one plan have equal pixel counts but the last.</summary>
    public static ColumnTiling Plan(in ColumnMap m)
    {
        int kernelRows = m.Kernel.T * m.Kernel.H, rowWidth = m.Kernel.W * m.Channels, pixels = m.GridPixels;
        int rowsPerChunk = (int)Math.Clamp(Budget / ((long)TargetPixels * rowWidth), 1, kernelRows);
        int chunks = (kernelRows + rowsPerChunk - 1) / rowsPerChunk;
        rowsPerChunk = (kernelRows + chunks - 1) / chunks;
        int tile = Math.Clamp(Budget / (rowsPerChunk * rowWidth), Math.Min(MinPixels, pixels), pixels);
        int tiles = (pixels + tile - 1) / tile;
        return new((pixels + tiles - 1) / tiles, rowsPerChunk, chunks);
    }
}
