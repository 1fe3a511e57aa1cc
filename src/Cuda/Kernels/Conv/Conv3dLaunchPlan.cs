using System.Numerics;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// How one 3D convolution runs on the GPU: the tile configuration, the split-K factor, the launch shapes of the conv
/// entry and (split-K) of <c>conv3d_splitk_reduce</c>, and the workspace the partial sums need. It builds the argument
/// structs; the caller launches <see cref="Entry"/> of <see cref="Module"/> with <see cref="Conv"/>, then, when
/// <see cref="Splits"/> &gt; 1, <see cref="ReduceEntry"/> of <see cref="ReduceModule"/> with <see cref="Reduce"/>.
/// </summary>
internal sealed class Conv3dLaunchPlan
{
    /// <summary>Most K splits a plan may use (grid.z); more only multiplies the workspace traffic.</summary>
    public const int MaxSplits = 32;

    /// <summary>Most input frames of a masked conv: the kernel keeps one kept-flag per frame in shared memory.</summary>
    public const int MaxMaskedFrames = 1024;

    /// <summary>The module holding the split-K reduction.</summary>
    public const string ReduceModule = "conv3d_forward";

    /// <summary>The split-K reduction entry.</summary>
    public const string ReduceEntry = "conv3d_splitk_reduce";

    private const int ReduceThreads = 256;

    // A split keeps at least this many K steps, so writing and re-reading its M x Cout partial sums stays small next to
    // its multiply-adds (a step is Rows x Columns x ChannelsPerStep of them).
    private const int MinStepsPerSplit = 16;

    private Conv3dLaunchPlan(in Conv3dGeometry g, Conv3dTile tile, int splits, bool masked)
    {
        Geometry = g;
        Tile = tile;
        Splits = splits;
        Masked = masked;
        Shape = new Conv3dKernelShape(g);
        Module = masked ? "conv3d_masked" : "conv3d_forward";
        Entry = (masked ? "conv3d_masked_" : "conv3d_fwd_") + tile.Name;
        Conv = new LaunchShape(new Dim3(CeilDiv(Shape.Rows, tile.Rows), CeilDiv(g.OutChannels, tile.Columns), (uint)splits), new Dim3((uint)tile.Threads));
        Reduce = new LaunchShape(new Dim3(CeilDiv(g.OutputLength, ReduceThreads)), new Dim3(ReduceThreads));
        WorkspaceBytes = splits == 1 ? 0 : (long)splits * g.OutputLength * sizeof(float);
    }

    /// <summary>The convolution.</summary>
    public Conv3dGeometry Geometry { get; }

    /// <summary>The tile configuration.</summary>
    public Conv3dTile Tile { get; }

    /// <summary>K splits (grid.z); 1 writes the output directly.</summary>
    public int Splits { get; }

    /// <summary>Whether this plan runs the masked (gated) entry.</summary>
    public bool Masked { get; }

    /// <summary>The convolution as the kernels read it.</summary>
    public Conv3dKernelShape Shape { get; }

    /// <summary>The module of the conv entry.</summary>
    public string Module { get; }

    /// <summary>The conv entry.</summary>
    public string Entry { get; }

    /// <summary>Launch shape of the conv entry: grid (ceil(M / rows), ceil(Cout / columns), splits).</summary>
    public LaunchShape Conv { get; }

    /// <summary>Launch shape of the split-K reduction: one thread per output element.</summary>
    public LaunchShape Reduce { get; }

    /// <summary>Bytes of the split-K workspace [splits, M, Cout] of fp32 (0 without split-K).</summary>
    public long WorkspaceBytes { get; }

    /// <summary>
    /// The plan for a convolution on a GPU with <paramref name="multiprocessors"/> SMs: the largest tile whose columns are
    /// not mostly padding (at most Cout rounded up to a power of two) and whose grid alone gives every SM the blocks it
    /// needs (<see cref="Conv3dTile.BlocksPerMultiprocessor"/>): larger tiles do more multiply-adds per staged element. When
    /// even <see cref="Conv3dTile.Small"/> tiles are too few (late layers at batch 1: few positions, long K), K is split as
    /// far as needed while each split keeps <see cref="MinStepsPerSplit"/> steps. A masked plan is chosen by the dense K
    /// (the kept counts live on the device).
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is not supported (see <see cref="Create"/>) or <paramref name="multiprocessors"/> is not positive.</exception>
    public static Conv3dLaunchPlan Choose(in Conv3dGeometry g, int multiprocessors, bool masked)
    {
        if (multiprocessors <= 0)
            throw new ArgumentException($"The GPU must have at least one multiprocessor, got {multiprocessors}.", nameof(multiprocessors));
        RequireSupported(g, masked);
        long rows = (long)g.Batch * g.Output.Volume;
        int widest = (int)Math.Max(Conv3dTile.Small.Columns, BitOperations.RoundUpToPowerOf2((uint)g.OutChannels));
        foreach (var tile in Conv3dTile.All)
        {
            if (tile.Columns <= widest && Tiles(rows, g.OutChannels, tile) >= (long)tile.BlocksPerMultiprocessor * multiprocessors)
                return Create(g, tile, 1, masked);
        }
        var small = Conv3dTile.Small;
        long tiles = Tiles(rows, g.OutChannels, small);
        long wanted = (long)small.BlocksPerMultiprocessor * multiprocessors;
        long bySteps = Steps(g, small) / MinStepsPerSplit;
        int splits = (int)Math.Clamp(Math.Min((wanted + tiles - 1) / tiles, bySteps), 1, MaxSplits);
        return Create(g, small, splits, masked);
    }

    /// <summary>A plan with a given tile configuration and split count (tests run every one).</summary>
    /// <exception cref="ArgumentException">Groups are not 1; the split count is outside [1, <see cref="MaxSplits"/>]; the
    /// workspace or the K-step bookkeeping would not fit 32-bit indexing; a masked conv has more than
    /// <see cref="MaxMaskedFrames"/> input frames. The message names the values.</exception>
    public static Conv3dLaunchPlan Create(in Conv3dGeometry g, Conv3dTile tile, int splits, bool masked)
    {
        RequireSupported(g, masked);
        if (splits < 1 || splits > MaxSplits)
            throw new ArgumentException($"Split-K factor {splits} is outside [1, {MaxSplits}].", nameof(splits));
        if ((long)splits * g.OutputLength > int.MaxValue)
            throw new ArgumentException($"A split-K workspace of {splits} x {g.OutputLength} elements exceeds 32-bit indexing for conv {g}.", nameof(splits));
        if (Steps(g, tile) * (splits + 1L) > uint.MaxValue)
            throw new ArgumentException($"{Steps(g, tile)} K steps split {splits} ways exceed the kernel's 32-bit step arithmetic for conv {g}.", nameof(splits));
        return new Conv3dLaunchPlan(g, tile, splits, masked);
    }

    /// <summary>Arguments of the dense conv entry (<see cref="Masked"/> false); <paramref name="workspace"/> is 0 without split-K.</summary>
    public Conv3dForwardArgs ForwardArgs(ulong input, ulong weight, ulong bias, ulong output, ulong workspace, bool relu)
    {
        RequireEntry(masked: false);
        RequireWorkspace(workspace);
        return new Conv3dForwardArgs(input, weight, bias, output, workspace, Shape, relu);
    }

    /// <summary>Arguments of the masked conv entry (<see cref="Masked"/> true); <paramref name="executedMacs"/> is 0 when not counted.</summary>
    public Conv3dMaskedArgs MaskedArgs(ulong input, ulong weight, ulong bias, ulong output, ulong workspace, in Conv3dDeviceMask mask, ulong executedMacs, bool relu)
    {
        RequireEntry(masked: true);
        RequireWorkspace(workspace);
        return new Conv3dMaskedArgs(input, weight, bias, output, workspace, mask, executedMacs, Shape, relu);
    }

    /// <summary>Arguments of the split-K reduction, which applies the bias and the ReLU.</summary>
    public Conv3dSplitKReduceArgs ReduceArgs(ulong workspace, ulong bias, ulong output, bool relu)
    {
        if (Splits == 1)
            throw new InvalidOperationException($"Plan {this} has no split-K to reduce.");
        return new Conv3dSplitKReduceArgs(workspace, bias, output, Geometry.OutputLength, Geometry.OutChannels, Splits, relu);
    }

    /// <summary>Entry, tiling, splits and grid, for logs and test names.</summary>
    public override string ToString() => $"{Entry} x{Splits} grid {Conv.Grid} block {Conv.Block}";

    private static void RequireSupported(in Conv3dGeometry g, bool masked)
    {
        if (g.Groups != 1)
            throw new ArgumentException($"The GPU conv supports groups = 1 only, got {g.Groups} for conv {g}.", nameof(g));
        if (masked && g.Input.T > MaxMaskedFrames)
            throw new ArgumentException($"The masked GPU conv supports up to {MaxMaskedFrames} input frames, got {g.Input.T}.", nameof(g));
        if (CeilDiv(g.OutChannels, Conv3dTile.Small.Columns) > ushort.MaxValue)
            throw new ArgumentException($"{g.OutChannels} output channels exceed the grid's y extent.", nameof(g));
    }

    private void RequireEntry(bool masked)
    {
        if (Masked != masked)
            throw new InvalidOperationException($"Plan {this} is for the {(Masked ? "masked" : "dense")} entry.");
    }

    private void RequireWorkspace(ulong workspace)
    {
        if ((workspace != 0) != (Splits > 1))
            throw new ArgumentException(Splits > 1
                ? $"Plan {this} splits K {Splits} ways and needs a workspace of {WorkspaceBytes} bytes."
                : $"Plan {this} does not split K: the workspace must be 0.", nameof(workspace));
    }

    private static long Tiles(long rows, int outChannels, Conv3dTile tile) =>
        (rows + tile.Rows - 1) / tile.Rows * ((outChannels + tile.Columns - 1) / tile.Columns);

    /// <summary>K steps of the dense problem: taps x ceil(Cin / channels per step).</summary>
    private static long Steps(in Conv3dGeometry g, Conv3dTile tile) =>
        g.Kernel.Volume * ((g.InChannels + tile.ChannelsPerStep - 1) / tile.ChannelsPerStep);

    private static uint CeilDiv(int value, int divisor) => (uint)((value + (long)divisor - 1) / divisor);
}
