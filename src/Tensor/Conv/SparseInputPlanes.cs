using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Pass 2 of the plane form of <see cref="SparseInputConv3d"/>: one output frame (n, to) and one pass over Cout per
/// parallel iteration, so no two threads write the same output and a layer with few frames still has work for every
/// thread. The sums go to an aligned scratch plane (Ho rows of Wo pixels with guard slots, the pass's lanes per pixel)
/// and a trash row that takes the sums of tap rows landing outside the frame. Bias first; then per temporal tap kt on a
/// kept, in-range input frame with entries, per group of channel blocks (<see cref="GroupBlocksOf"/>), per input line
/// with entries: <see cref="SparseInputPlaneSweep{TOps, TVec}.Sweep{TS, TRows}"/> into the three output rows it
/// reaches; the group's part of the pass's weights for one kt stays in the cache while the frame's lines sweep it. Adds
/// what it executes to <see cref="Tallies"/> (see <see cref="SparseInputAccumulation"/>). With a fused max pool, one
/// parallel iteration sums the output frames of one pooled frame in turn, and the copy-out writes their window maxima
/// instead of the sums. Runs at the dispatched width (<see cref="Run{TOps, TVec}"/>), whose vectors
/// <see cref="Weights"/> was packed for.
/// </summary>
internal unsafe struct SparseInputPlanes : ISimdAction
{
    /// <summary>Scratch slots past each end of an output row the sweep may touch.</summary>
    public const int GuardsBefore = SparseInputWindow<Vector512Ops, Vector512<float>>.GuardsBefore;
    public const int GuardsAfter = SparseInputWindow<Vector512Ops, Vector512<float>>.GuardsAfter;

    public Conv3dGeometry Geometry;
    /// <summary>
    /// Per pass, one scratch row as it starts: the pass's lanes of the bias (zeros for none and past Cout) at each of
    /// the Wo real pixels, zeros in the guard slots; <see cref="RowLength"/> floats each.
    /// </summary>
    public float* RowTemplate;
    public float* Output, Values;
    public int* Offsets, Starts;
    public SparseInputPlaneWeights Weights;
    public byte* FrameKept;
    /// <summary>Per input frame: its entries, each times the (kh, kw) output pixels it reaches (see <see cref="SparseInputPlaneCompaction"/>).</summary>
    public long* FrameReach;
    public int KeptChannels;
    public long FrameCapacity;
    public long* Tallies;
    /// <summary>Channel blocks per pixel in the compacted entries (see <see cref="SparseInputPlaneCompaction"/>), and how many consecutive blocks one sweep takes.</summary>
    public int Blocks, GroupBlocks;

    /// <summary>
    /// Whether <paramref name="g"/> runs in the plane form at <paramref name="width"/>: AVX-512 or AVX2, groups 1, a 3 x 3
    /// (kh, kw) window with stride and dilation 1 and padding at most 2 along H and W (any kT, stride, dilation and
    /// padding along T).
    /// </summary>
    public static bool Applies(in Conv3dGeometry g, SimdWidth width) =>
        width is SimdWidth.Vector512 or SimdWidth.Vector256 && g.Groups == 1
        && g.Kernel.H == 3 && g.Stride.H == 1 && g.Dilation.H == 1 && g.Padding.H <= 2
        && g.Kernel.W == 3 && g.Stride.W == 1 && g.Dilation.W == 1 && g.Padding.W <= 2;

    /// <summary>
    /// A tiled max pool fused into the copy-out (kernel = stride, no padding, dividing the output; see
    /// <see cref="Pooled"/>), as frames x rows x pixels, or all zero for none.
    /// </summary>
    public Dims3 Pool;

    /// <summary>With <see cref="Pool"/>: the pooled output [N, To / pT, Ho / pH, Wo / pW, Cout], written instead of <see cref="Output"/>.</summary>
    public float* Pooled;

    /// <summary>Parallel iterations: output frames, or pooled frames (each a group of <see cref="Pool"/>.T output frames), times passes.</summary>
    public readonly int Count => Geometry.Batch * (Pool.T == 0 ? Geometry.Output.T : Geometry.Output.T / Pool.T) * Weights.Passes;

    /// <summary>
    /// Input channels per block of the compacted entries at <paramref name="passLanes"/> lanes per pass: a block's part
    /// of a (pass, kt) slab is 36 KiB (32 channels of 9 taps x 32 lanes), which leaves room in a 48 KiB L1 cache for the
    /// scratch rows a line sweeps. Every multiply-add loads its weight, so a slab that spills to L2 (R3D-18's 64 to 512
    /// channels) bounds the kernel by L2 bandwidth.
    /// </summary>
    public static int BlockChannelsOf(int passLanes) => Math.Max(SparseInputPlaneCompaction.Lanes, 1024 / passLanes / SparseInputPlaneCompaction.Lanes * SparseInputPlaneCompaction.Lanes);

    /// <summary>
    /// Consecutive channel blocks one sweep takes, from the entries a pixel holds per block: each sweep pays the
    /// per-pixel cost of the sliding window (storing, loading, the loop's exit), so blocks are swept one by one only
    /// while each still brings <see cref="MinEntriesPerSweep"/> entries per pixel; sparser, they go together and the
    /// slab is read from L2.
    /// </summary>
    public static int GroupBlocksOf(int blocks, double entriesPerPixelPerBlock) =>
        entriesPerPixelPerBlock <= 0 ? blocks : Math.Clamp((int)Math.Ceiling(MinEntriesPerSweep / entriesPerPixelPerBlock), 1, blocks);

    /// <summary>
    /// Entries per pixel a sweep needs for blocks apart to beat one sweep over all: measured on 64 to 256 channels
    /// (R3D-18's layers), splitting gains 9-25% from 11 entries per pixel and block on and breaks even near 4-5; at
    /// 2.5 it loses 7%.
    /// </summary>
    private const double MinEntriesPerSweep = 5;

    /// <summary>Floats of one scratch row: Wo pixels and the guard slots, <paramref name="passLanes"/> each.</summary>
    public static int RowLengthOf(in Conv3dGeometry g, int passLanes) => (g.Output.W + GuardsBefore + GuardsAfter) * passLanes;

    private readonly int RowLength => RowLengthOf(Geometry, Weights.PassLanes);

    /// <summary>All parallel iterations with the vectors of <typeparamref name="TOps"/>: AVX-512 or AVX2 (see <see cref="Applies"/>).</summary>
    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        var body = new Body<TOps, TVec> { Planes = this };
        ParallelFor.Run(Count, ref body);
    }

    /// <summary>
    /// Parallel iteration <paramref name="unit"/>: one output or pooled frame and one pass. This and its callees are
    /// compiled optimised at once: a plan times this kernel against the dense one on its first calls (the crossover).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void Invoke<TOps, TVec>(int unit) where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int passes = Weights.Passes, pass = unit % passes, frameUnit = unit / passes, lanes = Weights.PassLanes, rowLength = RowLength;
        var (scratch, capacity) = NativeBufferPool.Rent((g.Output.H + 1) * rowLength);
        try
        {
            float* rows = (float*)scratch + GuardsBefore * lanes, trash = rows + (nint)g.Output.H * rowLength;
            if (Pool.T == 0)
            {
                Sum<TOps, TVec>(frameUnit, pass, (float*)scratch, rows, trash);
                CopyOut(rows, Output + (nint)frameUnit * g.Output.H * g.Output.W * g.OutChannels, pass);
                return;
            }
            // Pooled frame pt of clip n: output frames pt * pT .. + pT - 1, each summed in the scratch and pooled into place.
            int pooledFrames = g.Output.T / Pool.T, n = frameUnit / pooledFrames, pt = frameUnit % pooledFrames;
            float* pooled = Pooled + (nint)frameUnit * (g.Output.H / Pool.H) * (g.Output.W / Pool.W) * g.OutChannels;
            for (int f = 0; f < Pool.T; f++)
            {
                Sum<TOps, TVec>(n * g.Output.T + pt * Pool.T + f, pass, (float*)scratch, rows, trash);
                PoolOut<TOps, TVec>(rows, pooled, pass, first: f == 0);
            }
        }
        finally
        {
            NativeBufferPool.Return(scratch, capacity);
        }
    }

    /// <summary>The sums of output frame <paramref name="plane"/> (n * To + to), lanes of pass <paramref name="pass"/>, into the scratch rows, starting from the bias template.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void Sum<TOps, TVec>(int plane, int pass, float* scratch, float* rows, float* trash) where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        // Every row starts as the template: the pass's bias at real pixels, zeros in the guard slots (and the trash
        // row, a copy too: anything finite would do, zeros hold no denormals).
        int rowLength = RowLength;
        float* template = RowTemplate + (nint)pass * rowLength;
        nuint rowBytes = (nuint)rowLength * sizeof(float);
        for (int ho = 0; ho <= Geometry.Output.H; ho++)
            NativeMemory.Copy(template, scratch + (nint)ho * rowLength, rowBytes);
        Accumulate<TOps, TVec>(plane, pass, rows, trash, rowLength);
    }

    /// <summary>One output frame's sums of one pass from the scratch rows to their lanes of <paramref name="output"/> (Ho x Wo x Cout).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void CopyOut(float* rows, float* output, int pass)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int cout = g.OutChannels, lanes = Weights.PassLanes, first = pass * lanes, count = Math.Min(lanes, cout - first), rowLength = RowLength;
        output += first;
        for (int ho = 0; ho < g.Output.H; ho++)
        {
            float* sums = rows + (nint)ho * rowLength;
            // With one pass covering Cout exactly a row's pixels are as contiguous in the scratch as in the output.
            if (count == cout && lanes == cout)
            {
                NativeMemory.Copy(sums, output, (nuint)g.Output.W * (nuint)cout * sizeof(float));
                output += g.Output.W * cout;
                continue;
            }
            for (int wo = 0; wo < g.Output.W; wo++, output += cout)
                new ReadOnlySpan<float>(sums + (nint)wo * lanes, count).CopyTo(new Span<float>(output, count));
        }
    }

    /// <summary>
    /// One output frame's sums of one pass, max-pooled over pH x pW windows, into the pass's lanes of the pooled frame:
    /// stored by the group's <paramref name="first"/> frame, maxed into by the others. Cout is a whole number of vectors
    /// (see <see cref="SparseInputConv3d.FusesPool"/>), so every pass's lanes are real channels.
    /// <see cref="IVectorOps{TVec}.Max"/> propagates NaN as the engine's pool does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void PoolOut<TOps, TVec>(float* rows, float* pooled, int pass, bool first) where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int pooledHeight = g.Output.H / Pool.H, pooledWidth = g.Output.W / Pool.W, cout = g.OutChannels;
        int lanes = Weights.PassLanes, rowLength = RowLength;
        pooled += pass * lanes;
        for (int ph = 0; ph < pooledHeight; ph++)
        for (int pw = 0; pw < pooledWidth; pw++, pooled += cout)
        {
            float* corner = rows + (nint)ph * Pool.H * rowLength + (nint)pw * Pool.W * lanes;
            for (int v = 0; v < lanes; v += TOps.Lanes)
            {
                var best = first ? TOps.Load(corner + v) : TOps.Max(TOps.Load(pooled + v), TOps.Load(corner + v));
                for (int h = 0; h < Pool.H; h++)
                for (int w = 0; w < Pool.W; w++)
                    best = TOps.Max(best, TOps.Load(corner + (nint)h * rowLength + (nint)w * lanes + v));
                TOps.Store(pooled + v, best);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void Accumulate<TOps, TVec>(int plane, int pass, float* rows, float* trash, int rowLength) where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int to = plane % g.Output.T, n = plane / g.Output.T, pixels = g.Input.H * g.Input.W, width = g.Input.W;
        int lanes = Weights.PassLanes;
        long macs = 0, entries = 0, weights = 0;
        int blocks = Blocks, group = GroupBlocks;
        for (int kt = 0; kt < g.Kernel.T; kt++)
        {
            int it = to * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            if ((uint)it >= (uint)g.Input.T || FrameKept[it] == 0) continue;
            int frame = n * g.Input.T + it;
            int* starts = Starts + (long)frame * SparseInputPlaneCompaction.StartsPerFrame(pixels, blocks);
            if (starts[pixels * blocks] == 0) continue;
            float* values = Values + frame * FrameCapacity;
            int* offsets = Offsets + frame * FrameCapacity;
            float* slab = Weights.Slab(pass, kt);
            if (pass == 0)
            {
                macs += FrameReach[frame] * g.OutChannels;
                weights += (long)SparseInputPlaneWeights.Taps * KeptChannels * g.OutChannels;
            }
            // A group of channel blocks at a time: its part of the slab stays in the L1 cache while the frame's lines sweep it.
            for (int first = 0; first < blocks; first += group)
            {
                int span = Math.Min(group, blocks - first);
                for (int ih = 0; ih < g.Input.H; ih++)
                {
                    int* line = starts + (long)ih * width * blocks;
                    int lineEntries = line[width * blocks] - line[0];
                    if (lineEntries == 0) continue;
                    // Tap row kh adds to output row ih + ph - kh; rows outside the frame go to the trash row.
                    int top = ih + g.Padding.H;
                    float* row0 = RowOf(top, rows, trash, rowLength), row1 = RowOf(top - 1, rows, trash, rowLength);
                    float* row2 = RowOf(top - 2, rows, trash, rowLength);
                    var source = new LineEntries(slab, values, offsets, line + first, blocks, span);
                    if (lanes > TOps.Lanes) Sweep<TOps, TVec, Sum2>(source, row0, row1, row2, lanes, trash);
                    else Sweep<TOps, TVec, Sum1>(source, row0, row1, row2, lanes, trash);
                    if (first == 0) entries += lineEntries;
                }
            }
        }
        Interlocked.Add(ref Tallies[SparseInputAccumulation.MacTally], macs);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.EntryTally], entries);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.WeightTally], weights);
    }

    /// <summary>One line into its three rows, leaving out a first or last row that is the trash row (the middle one never is, with padding at most 2, unless the frame is tiny).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void Sweep<TOps, TVec, TS>(in LineEntries line, float* row0, float* row1, float* row2, int stride, float* trash)
        where TOps : IVectorOps<TVec> where TVec : unmanaged where TS : struct, ISumVectors
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        bool real0 = row0 < trash, real1 = row1 < trash, real2 = row2 < trash;
        if (real1 && real0 && !real2)
            SparseInputPlaneSweep<TOps, TVec>.Sweep<TS, UpperRows>(line, g.Input.W, g.Padding.W, row0, row1, row2, stride);
        else if (real1 && !real0 && real2)
            SparseInputPlaneSweep<TOps, TVec>.Sweep<TS, LowerRows>(line, g.Input.W, g.Padding.W, row0, row1, row2, stride);
        else
            SparseInputPlaneSweep<TOps, TVec>.Sweep<TS, AllRows>(line, g.Input.W, g.Padding.W, row0, row1, row2, stride);
    }

    private readonly float* RowOf(int ho, float* rows, float* trash, int rowLength) =>
        (uint)ho >= (uint)Geometry.Output.H ? trash : rows + (nint)ho * rowLength;

    /// <summary>The parallel body at one width: <see cref="Invoke{TOps, TVec}"/> per iteration.</summary>
    private struct Body<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public SparseInputPlanes Planes;

        public readonly void Invoke(int unit) => Planes.Invoke<TOps, TVec>(unit);
    }
}
