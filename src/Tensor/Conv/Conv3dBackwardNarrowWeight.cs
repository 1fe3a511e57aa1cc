using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Weight gradient of convs with few channels (a network's first layer, the narrow stages of small nets), computed in
/// place from the input instead of through im2col tiles and a GEMM, whose packing and short tiles dominate at these
/// sizes. For one (kt, kh) tap and one output row the gradient rows (kw, ci), kW * Cin of them, are
/// <c>dW[kt, kh, kw, ci, :] += Σ_ow x[row(kt, kh), ow * sW + kw, ci] * dY[row, ow, :]</c>; with dilation 1 along W the
/// x values of all (kw, ci) at one ow are contiguous in a channels-last row. So a register tile of (kw, ci) rows by
/// two vectors of Cout takes one rank-1 update per output pixel: two loads of dY, one broadcast of x per row.
/// The input is first copied with its padding materialised (<see cref="Conv3dPaddedInput"/>), so the inner loops
/// carry no bounds checks.
/// </summary>
/// <remarks>
/// Threads: output rows are cut into groups (a run of rows of one output frame, so their dY block stays in L2), the
/// groups into one contiguous part per task; each part sums into its own partial gradient, held in cache across its
/// groups, and the partials are added in part order. Results depend on the thread count only through that split.
/// </remarks>
internal static unsafe class Conv3dBackwardNarrowWeight
{
    /// <summary>
    /// Most Cin * Cout taken: every conv of the tiny C3D and the 64- and 128-channel stages of the video nets. Measured
    /// 2-3x faster than im2col + GEMM up to 64 x 64; at 64 x 128 (C3D conv2) and 128 x 128 (R3D layer2) it lifts the
    /// whole backward from 0.75x to 0.84x libtorch (2 threads). Wider layers keep the GEMM path.
    /// </summary>
    private const int MaxChannelProduct = 128 * 128;

    /// <summary>
    /// Floats of dY one row group may span (256 KiB). Every group loads and stores its whole partial gradient once
    /// (1.8 MB at 128 x 128), so a group must hold enough pixels to amortise that sweep; its dY block, re-read once
    /// per register tile, then streams from L2 instead of sitting in L1. At 16 KiB a group of R3D layer2 was one output
    /// row (28 pixels) and its weight gradient took 50.7 ms at one thread; at 256 KiB (two groups per frame) 39.3 ms,
    /// C3D conv2 and 64 x 64 layers 7-8% faster, the small clip level (alternating in one process).
    /// </summary>
    private const int GroupFloats = 1 << 16;

    public static bool Applies(in Conv3dGeometry g) =>
        g.Groups == 1 && g.Dilation.W == 1 && g.InChannels * g.OutChannels <= MaxChannelProduct;

    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        var padded = new Conv3dPaddedInput(g);
        // As many rows as fit GroupFloats, then a frame's rows split evenly among its groups.
        int maxRows = Math.Clamp(GroupFloats / (g.Output.W * g.OutChannels), 1, g.Output.H);
        int groupsPerFrame = (g.Output.H + maxRows - 1) / maxRows;
        int rowsPerGroup = (g.Output.H + groupsPerFrame - 1) / groupsPerFrame;
        int groups = g.Batch * g.Output.T * groupsPerFrame;
        int parts = ParallelFor.Threads == 1 ? 1 : Math.Min(groups, 2 * ParallelFor.Threads);
        int length = g.WeightLength;
        var (buffer, capacity) = NativeBufferPool.Rent(checked(padded.Length + parts * length));
        try
        {
            float* xp = (float*)buffer, partials = xp + padded.Length;
            fixed (float* x = input, dy = gradOutput)
            {
                padded.Fill(x, xp);
                var action = new Parts
                {
                    Geometry = g, Shape = padded, Padded = xp, GradOutput = dy, Partials = partials,
                    RowsPerGroup = rowsPerGroup, GroupsPerFrame = groupsPerFrame, Groups = groups, PartCount = parts,
                };
                SimdDispatch.Run(ref action);
            }
            var sums = new ReadOnlySpan<float>(partials, parts * length);
            sums[..length].CopyTo(gradWeight);
            for (int part = 1; part < parts; part++)
                TensorPrimitives.Add(gradWeight, sums.Slice(part * length, length), gradWeight);
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>Runs the parts with the chosen vector width.</summary>
    private struct Parts : ISimdAction
    {
        public Conv3dGeometry Geometry;
        public Conv3dPaddedInput Shape;
        public float* Padded, GradOutput, Partials;
        public int RowsPerGroup, GroupsPerFrame, Groups, PartCount;

        public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
        {
            var body = new Part<TOps, TVec> { Work = this };
            ParallelFor.Run(PartCount, ref body);
        }
    }

    /// <summary>One part: its groups of output rows, every tap and register tile of each, into its own partial gradient.</summary>
    private struct Part<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public Parts Work;

        public readonly void Invoke(int part)
        {
            ref readonly Conv3dGeometry g = ref Work.Geometry;
            int cout = g.OutChannels, gradientRows = g.Kernel.W * g.InChannels;
            float* sums = Work.Partials + (long)part * g.WeightLength;
            new Span<float>(sums, g.WeightLength).Clear();
            int tiles = (gradientRows + TOps.MaxRows - 1) / TOps.MaxRows, tileRows = (gradientRows + tiles - 1) / tiles;
            int columns = 2 * TOps.Lanes, vectorEnd = cout - cout % TOps.Lanes;
            var rows = new RowWalk
            {
                XRowStride = g.Stride.H * Work.Shape.RowLength, DyRowStride = (long)g.Output.W * cout,
                XPixelStride = g.Stride.W * g.InChannels, DyPixelStride = cout, Pixels = g.Output.W,
            };
            for (int group = (int)((long)part * Work.Groups / Work.PartCount), end = (int)((long)(part + 1) * Work.Groups / Work.PartCount); group < end; group++)
            {
                int frame = group / Work.GroupsPerFrame, oh = group % Work.GroupsPerFrame * Work.RowsPerGroup;
                int n = frame / g.Output.T, ot = frame % g.Output.T;
                rows.Count = Math.Min(Work.RowsPerGroup, g.Output.H - oh);
                float* dy = Work.GradOutput + ((long)frame * g.Output.H + oh) * rows.DyRowStride;
                for (int kt = 0; kt < g.Kernel.T; kt++)
                for (int kh = 0; kh < g.Kernel.H; kh++)
                {
                    int it = ot * g.Stride.T + kt * g.Dilation.T, ih = oh * g.Stride.H + kh * g.Dilation.H;
                    float* x = Work.Padded + Work.Shape.Row(n, it, ih);
                    float* tap = sums + (long)(kt * g.Kernel.H + kh) * gradientRows * cout;
                    for (int r0 = 0; r0 < gradientRows; r0 += tileRows)
                    {
                        int count = Math.Min(tileRows, gradientRows - r0);
                        int co = 0;
                        for (; co + columns <= cout; co += columns)
                            Tile<TOps, TVec>.Run(count, 2, rows, x + r0, dy + co, tap + (long)r0 * cout + co, cout);
                        for (; co < vectorEnd; co += TOps.Lanes)
                            Tile<TOps, TVec>.Run(count, 1, rows, x + r0, dy + co, tap + (long)r0 * cout + co, cout);
                        if (co < cout) ScalarColumns(rows, count, x + r0, dy, tap + (long)r0 * cout, co, cout);
                    }
                }
            }
        }

        /// <summary>The Cout columns past the last full vector, one product at a time.</summary>
        private static void ScalarColumns(in RowWalk rows, int count, float* x, float* dy, float* target, int firstColumn, int cout)
        {
            for (int r = 0; r < count; r++)
            for (int co = firstColumn; co < cout; co++)
            {
                float total = 0;
                for (int i = 0; i < rows.Count; i++)
                for (int p = 0; p < rows.Pixels; p++)
                    total = MathF.FusedMultiplyAdd(x[i * rows.XRowStride + p * rows.XPixelStride + r], dy[i * rows.DyRowStride + p * rows.DyPixelStride + co], total);
                target[(long)r * cout + co] += total;
            }
        }
    }

    /// <summary>The output pixels of a row group, and where each one's x and dY start relative to the group's first.</summary>
    private struct RowWalk
    {
        public long XRowStride, DyRowStride, XPixelStride, DyPixelStride;
        public int Count, Pixels;
    }

    /// <summary>
    /// A register tile: rows r of the gradient (consecutive (kw, ci)) by one or two vectors of Cout. For every output
    /// pixel of the row group, acc[r] += x[pixel * XPixelStride + r] * dY[pixel, columns]; then target rows += acc.
    /// </summary>
    private static class Tile<TOps, TVec> where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public static void Run(int rows, int vectors, in RowWalk walk, float* x, float* dy, float* target, int ldc)
        {
            if (vectors == 2) Run<Two>(rows, walk, x, dy, target, ldc);
            else Run<One>(rows, walk, x, dy, target, ldc);
        }

        private static void Run<TVectors>(int rows, in RowWalk walk, float* x, float* dy, float* target, int ldc) where TVectors : struct, IVectorCount
        {
            switch (rows)
            {
                case 14: Accumulate<Rows14, TVectors>(walk, x, dy, target, ldc); break;
                case 13: Accumulate<Rows13, TVectors>(walk, x, dy, target, ldc); break;
                case 12: Accumulate<Rows12, TVectors>(walk, x, dy, target, ldc); break;
                case 11: Accumulate<Rows11, TVectors>(walk, x, dy, target, ldc); break;
                case 10: Accumulate<Rows10, TVectors>(walk, x, dy, target, ldc); break;
                case 9: Accumulate<Rows9, TVectors>(walk, x, dy, target, ldc); break;
                case 8: Accumulate<Rows8, TVectors>(walk, x, dy, target, ldc); break;
                case 7: Accumulate<Rows7, TVectors>(walk, x, dy, target, ldc); break;
                case 6: Accumulate<Rows6, TVectors>(walk, x, dy, target, ldc); break;
                case 5: Accumulate<Rows5, TVectors>(walk, x, dy, target, ldc); break;
                case 4: Accumulate<Rows4, TVectors>(walk, x, dy, target, ldc); break;
                case 3: Accumulate<Rows3, TVectors>(walk, x, dy, target, ldc); break;
                case 2: Accumulate<Rows2, TVectors>(walk, x, dy, target, ldc); break;
                case 1: Accumulate<Rows1, TVectors>(walk, x, dy, target, ldc); break;
                default: throw new ArgumentOutOfRangeException(nameof(rows), rows, "A tile has 1 to 14 rows.");
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Accumulate<TRows, TVectors>(in RowWalk walk, float* x, float* dy, float* target, int ldc)
            where TRows : struct, ITileRows where TVectors : struct, IVectorCount
        {
            int rows = TRows.Value, lanes = TOps.Lanes;
            bool two = TVectors.Value == 2;
            TVec c00 = TOps.Zero, c01 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero, c20 = TOps.Zero, c21 = TOps.Zero;
            TVec c30 = TOps.Zero, c31 = TOps.Zero, c40 = TOps.Zero, c41 = TOps.Zero, c50 = TOps.Zero, c51 = TOps.Zero;
            TVec c60 = TOps.Zero, c61 = TOps.Zero, c70 = TOps.Zero, c71 = TOps.Zero, c80 = TOps.Zero, c81 = TOps.Zero;
            TVec c90 = TOps.Zero, c91 = TOps.Zero, ca0 = TOps.Zero, ca1 = TOps.Zero, cb0 = TOps.Zero, cb1 = TOps.Zero;
            TVec cc0 = TOps.Zero, cc1 = TOps.Zero, cd0 = TOps.Zero, cd1 = TOps.Zero;
            nint xStep = (nint)walk.XPixelStride, dyStep = (nint)walk.DyPixelStride;
            for (int i = 0; i < walk.Count; i++)
            {
                float* a = x + i * walk.XRowStride, b = dy + i * walk.DyRowStride;
                for (int p = 0; p < walk.Pixels; p++, a += xStep, b += dyStep)
                {
                    TVec b0 = TOps.Load(b), b1 = two ? TOps.Load(b + lanes) : b0;
                    TVec v = TOps.Broadcast(a[0]);
                    c00 = TOps.MultiplyAdd(v, b0, c00); if (two) c01 = TOps.MultiplyAdd(v, b1, c01);
                    if (rows > 1) { v = TOps.Broadcast(a[1]); c10 = TOps.MultiplyAdd(v, b0, c10); if (two) c11 = TOps.MultiplyAdd(v, b1, c11); }
                    if (rows > 2) { v = TOps.Broadcast(a[2]); c20 = TOps.MultiplyAdd(v, b0, c20); if (two) c21 = TOps.MultiplyAdd(v, b1, c21); }
                    if (rows > 3) { v = TOps.Broadcast(a[3]); c30 = TOps.MultiplyAdd(v, b0, c30); if (two) c31 = TOps.MultiplyAdd(v, b1, c31); }
                    if (rows > 4) { v = TOps.Broadcast(a[4]); c40 = TOps.MultiplyAdd(v, b0, c40); if (two) c41 = TOps.MultiplyAdd(v, b1, c41); }
                    if (rows > 5) { v = TOps.Broadcast(a[5]); c50 = TOps.MultiplyAdd(v, b0, c50); if (two) c51 = TOps.MultiplyAdd(v, b1, c51); }
                    if (rows > 6) { v = TOps.Broadcast(a[6]); c60 = TOps.MultiplyAdd(v, b0, c60); if (two) c61 = TOps.MultiplyAdd(v, b1, c61); }
                    if (rows > 7) { v = TOps.Broadcast(a[7]); c70 = TOps.MultiplyAdd(v, b0, c70); if (two) c71 = TOps.MultiplyAdd(v, b1, c71); }
                    if (rows > 8) { v = TOps.Broadcast(a[8]); c80 = TOps.MultiplyAdd(v, b0, c80); if (two) c81 = TOps.MultiplyAdd(v, b1, c81); }
                    if (rows > 9) { v = TOps.Broadcast(a[9]); c90 = TOps.MultiplyAdd(v, b0, c90); if (two) c91 = TOps.MultiplyAdd(v, b1, c91); }
                    if (rows > 10) { v = TOps.Broadcast(a[10]); ca0 = TOps.MultiplyAdd(v, b0, ca0); if (two) ca1 = TOps.MultiplyAdd(v, b1, ca1); }
                    if (rows > 11) { v = TOps.Broadcast(a[11]); cb0 = TOps.MultiplyAdd(v, b0, cb0); if (two) cb1 = TOps.MultiplyAdd(v, b1, cb1); }
                    if (rows > 12) { v = TOps.Broadcast(a[12]); cc0 = TOps.MultiplyAdd(v, b0, cc0); if (two) cc1 = TOps.MultiplyAdd(v, b1, cc1); }
                    if (rows > 13) { v = TOps.Broadcast(a[13]); cd0 = TOps.MultiplyAdd(v, b0, cd0); if (two) cd1 = TOps.MultiplyAdd(v, b1, cd1); }
                }
            }
            AddRow(target, c00, c01, two);
            if (rows > 1) AddRow(target + ldc, c10, c11, two);
            if (rows > 2) AddRow(target + 2 * ldc, c20, c21, two);
            if (rows > 3) AddRow(target + 3 * ldc, c30, c31, two);
            if (rows > 4) AddRow(target + 4 * ldc, c40, c41, two);
            if (rows > 5) AddRow(target + 5 * ldc, c50, c51, two);
            if (rows > 6) AddRow(target + 6 * ldc, c60, c61, two);
            if (rows > 7) AddRow(target + 7 * ldc, c70, c71, two);
            if (rows > 8) AddRow(target + 8 * ldc, c80, c81, two);
            if (rows > 9) AddRow(target + 9 * ldc, c90, c91, two);
            if (rows > 10) AddRow(target + 10 * ldc, ca0, ca1, two);
            if (rows > 11) AddRow(target + 11 * ldc, cb0, cb1, two);
            if (rows > 12) AddRow(target + 12 * ldc, cc0, cc1, two);
            if (rows > 13) AddRow(target + 13 * ldc, cd0, cd1, two);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddRow(float* target, TVec low, TVec high, bool two)
        {
            TOps.Store(target, TOps.Add(TOps.Load(target), low));
            if (two) TOps.Store(target + TOps.Lanes, TOps.Add(TOps.Load(target + TOps.Lanes), high));
        }
    }

    /// <summary>Vectors of Cout in a tile, as a type so the JIT drops the second column of accumulators when it is 1.</summary>
    private interface IVectorCount
    {
        static abstract int Value { get; }
    }

    private readonly struct One : IVectorCount { public static int Value => 1; }

    private readonly struct Two : IVectorCount { public static int Value => 2; }
}
