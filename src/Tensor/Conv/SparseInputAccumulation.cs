using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Pass 2 of <see cref="SparseInputConv3d"/> at the dispatched SIMD width: one output row (n, to, ho) per parallel
/// iteration (<see cref="SparseInputRows{TOps, TVec}"/>). Adds what it executes to <see cref="Tallies"/>.
/// </summary>
internal unsafe struct SparseInputAccumulation : ISimdAction
{
    /// <summary>Vectors of Cout summed at once: 8 registers of sums, a weight and a broadcast fit every width's register file.</summary>
    public const int BlockVectors = 8;

    /// <summary>Bytes of weights one (tap row, channel block, Cout block) spans: kW x channel block x Cout block, sized to stay in the L1 cache.</summary>
    public const int SlabBytes = 32 * 1024;

    /// <summary>Tallies: multiply-adds, compacted entries read.</summary>
    public const int TallyCount = 2, MacTally = 0, EntryTally = 1;

    public Conv3dGeometry Geometry;
    public float* Weight, Bias, Output;
    public SparseEntry* Slots;
    public int* Counts;
    public int KeptChannels, ChannelBlock, Blocks;
    public byte* FrameKept;
    public long* Tallies;

    /// <summary>Kept channels per block: as many as keep a block's weights for one tap row within <see cref="SlabBytes"/>.</summary>
    public static int ChannelBlockOf(in Conv3dGeometry g, int lanes) =>
        Math.Max(1, SlabBytes / (g.Kernel.W * Math.Min(g.OutChannels, BlockVectors * lanes) * sizeof(float)));

    /// <summary>
    /// How often each entry is read per (output pixel, tap): once per block of <see cref="BlockVectors"/> vectors of
    /// Cout, once per remaining whole vector, once for the remaining lanes.
    /// </summary>
    public static int CoutPasses(int outChannels, int lanes) =>
        outChannels / (BlockVectors * lanes) + outChannels % (BlockVectors * lanes) / lanes + (outChannels % lanes > 0 ? 1 : 0);

    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        var rows = new SparseInputRows<TOps, TVec>
        {
            Geometry = g, Weight = Weight, Bias = Bias, Output = Output, Slots = Slots, Counts = Counts,
            KeptChannels = KeptChannels, ChannelBlock = ChannelBlock, Blocks = Blocks, FrameKept = FrameKept, Tallies = Tallies,
            Passes = CoutPasses(g.OutChannels, TOps.Lanes),
        };
        new Span<long>(Tallies, TallyCount).Clear();
        ParallelFor.Run(g.Batch * g.Output.T * g.Output.H, ref rows);
    }
}

/// <summary>A Cout block width in vectors, as a type, so each width compiles to its own unrolled loop.</summary>
internal interface IBlockVectors
{
    static abstract int Vectors { get; }
}

internal readonly struct Block1 : IBlockVectors { public static int Vectors => 1; }

internal readonly struct Block8 : IBlockVectors { public static int Vectors => 8; }

/// <summary>
/// Computes output row (n, to, ho) in an aligned scratch row that stays in the L1 cache: bias first; then per tap row
/// (kt, kh) on a kept, in-range frame and line, per block of kept channels and per block of Cout, each output pixel's
/// sums go into registers, gather the non-zero entries of that channel block at the input pixels its kw taps read,
/// each value times its weight row, and go back. The weights one (tap row, channel block, Cout block) uses stay in the
/// L1 cache while the row's pixels sweep them, and each output vector is loaded and stored once per channel block
/// rather than once per multiply-add.
/// </summary>
internal unsafe struct SparseInputRows<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    public Conv3dGeometry Geometry;
    public float* Weight, Bias, Output;
    public SparseEntry* Slots;
    public int* Counts;
    public int KeptChannels, ChannelBlock, Blocks;
    public byte* FrameKept;
    public long* Tallies;
    public int Passes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int row)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int cout = g.OutChannels;
        // Pixels padded to whole cache lines in a 64-byte aligned row: split lines would stall the loads and stores of the sums.
        int stride = (cout + 15) & ~15;
        var (scratch, capacity) = NativeBufferPool.Rent(g.Output.W * stride);
        try
        {
            float* y = (float*)scratch;
            for (int wo = 0; wo < g.Output.W; wo++)
            {
                var pixel = new Span<float>(y + (nint)wo * stride, cout);
                if (Bias == null) pixel.Clear();
                else new ReadOnlySpan<float>(Bias, cout).CopyTo(pixel);
            }
            Accumulate(row, y, stride);
            float* output = Output + (nint)row * g.Output.W * cout;
            for (int wo = 0; wo < g.Output.W; wo++)
                new ReadOnlySpan<float>(y + (nint)wo * stride, cout).CopyTo(new Span<float>(output + (nint)wo * cout, cout));
        }
        finally
        {
            NativeBufferPool.Return(scratch, capacity);
        }
    }

    /// <summary>Adds row (n, to, ho)'s contributions to <paramref name="y"/> (pixels <paramref name="stride"/> floats apart) and tallies them.</summary>
    private readonly void Accumulate(int row, float* y, int stride)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int ho = row % g.Output.H, to = row / g.Output.H % g.Output.T, n = row / (g.Output.H * g.Output.T);
        int cout = g.OutChannels, lanes = TOps.Lanes, block = SparseInputAccumulation.BlockVectors * lanes;
        long visited = 0;
        for (int kt = 0; kt < g.Kernel.T; kt++)
        {
            int it = to * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            if ((uint)it >= (uint)g.Input.T || FrameKept[it] == 0) continue;
            for (int kh = 0; kh < g.Kernel.H; kh++)
            {
                int ih = ho * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                if ((uint)ih >= (uint)g.Input.H) continue;
                int line = ((n * g.Input.T + it) * g.Input.H + ih) * g.Input.W;
                float* tapRow = Weight + (nint)(kt * g.Kernel.H + kh) * g.Kernel.W * g.InChannels * cout;
                for (int b = 0; b < Blocks; b++)
                {
                    int c = 0;
                    for (; c + block <= cout; c += block)
                        for (int wo = 0; wo < g.Output.W; wo++) visited += Gather<Block8>(line, b, wo, tapRow + c, y + (nint)wo * stride + c, c == 0);
                    for (; c + lanes <= cout; c += lanes)
                        for (int wo = 0; wo < g.Output.W; wo++) visited += Gather<Block1>(line, b, wo, tapRow + c, y + (nint)wo * stride + c, c == 0);
                    if (c < cout)
                        for (int wo = 0; wo < g.Output.W; wo++) visited += Tail(line, b, wo, tapRow + c, y + (nint)wo * stride + c, cout - c, c == 0);
                }
            }
        }
        Interlocked.Add(ref Tallies[SparseInputAccumulation.MacTally], visited * cout);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.EntryTally], visited * Passes);
    }

    /// <summary>
    /// y[0 .. B lanes) += the entries of channel block <paramref name="b"/> at the input pixels of line
    /// <paramref name="line"/> that output column <paramref name="wo"/>'s kw taps read, times their weight rows
    /// (B = <typeparamref name="TB"/> vectors of sums in registers). Returns the entries visited when
    /// <paramref name="count"/> is set (the first pass over Cout), else 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int Gather<TB>(int line, int b, int wo, float* tapRow, float* y, bool count) where TB : struct, IBlockVectors
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int l = TOps.Lanes, v = TB.Vectors, visited = 0, kwStride = g.InChannels * g.OutChannels;
        TVec a0 = TOps.Load(y);
        TVec a1 = v > 1 ? TOps.Load(y + l) : TOps.Zero, a2 = v > 1 ? TOps.Load(y + 2 * l) : TOps.Zero, a3 = v > 1 ? TOps.Load(y + 3 * l) : TOps.Zero;
        TVec a4 = v > 1 ? TOps.Load(y + 4 * l) : TOps.Zero, a5 = v > 1 ? TOps.Load(y + 5 * l) : TOps.Zero;
        TVec a6 = v > 1 ? TOps.Load(y + 6 * l) : TOps.Zero, a7 = v > 1 ? TOps.Load(y + 7 * l) : TOps.Zero;
        for (int kw = 0; kw < g.Kernel.W; kw++)
        {
            int iw = wo * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
            if ((uint)iw >= (uint)g.Input.W) continue;
            int pixel = line + iw, entries = Counts[(nint)pixel * Blocks + b];
            SparseEntry* e = Slots + (nint)pixel * KeptChannels + b * ChannelBlock;
            float* w = tapRow + (nint)kw * kwStride;
            visited += entries;
            for (int k = 0; k < entries; k++)
            {
                float* r = w + e[k].WeightOffset;
                TVec x = TOps.Broadcast(e[k].Value);
                a0 = TOps.MultiplyAdd(x, TOps.Load(r), a0);
                if (v > 1)
                {
                    a1 = TOps.MultiplyAdd(x, TOps.Load(r + l), a1);
                    a2 = TOps.MultiplyAdd(x, TOps.Load(r + 2 * l), a2);
                    a3 = TOps.MultiplyAdd(x, TOps.Load(r + 3 * l), a3);
                    a4 = TOps.MultiplyAdd(x, TOps.Load(r + 4 * l), a4);
                    a5 = TOps.MultiplyAdd(x, TOps.Load(r + 5 * l), a5);
                    a6 = TOps.MultiplyAdd(x, TOps.Load(r + 6 * l), a6);
                    a7 = TOps.MultiplyAdd(x, TOps.Load(r + 7 * l), a7);
                }
            }
        }
        TOps.Store(y, a0);
        if (v > 1)
        {
            TOps.Store(y + l, a1);
            TOps.Store(y + 2 * l, a2);
            TOps.Store(y + 3 * l, a3);
            TOps.Store(y + 4 * l, a4);
            TOps.Store(y + 5 * l, a5);
            TOps.Store(y + 6 * l, a6);
            TOps.Store(y + 7 * l, a7);
        }
        return count ? visited : 0;
    }

    /// <summary><see cref="Gather{TB}"/> for the last <paramref name="width"/> (fewer than one vector of) channels, scalar.</summary>
    private readonly int Tail(int line, int b, int wo, float* tapRow, float* y, int width, bool count)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int visited = 0, kwStride = g.InChannels * g.OutChannels;
        for (int kw = 0; kw < g.Kernel.W; kw++)
        {
            int iw = wo * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
            if ((uint)iw >= (uint)g.Input.W) continue;
            int pixel = line + iw, entries = Counts[(nint)pixel * Blocks + b];
            SparseEntry* e = Slots + (nint)pixel * KeptChannels + b * ChannelBlock;
            float* w = tapRow + (nint)kw * kwStride;
            visited += entries;
            for (int k = 0; k < entries; k++)
            {
                float* r = w + e[k].WeightOffset;
                float x = e[k].Value;
                for (int j = 0; j < width; j++) y[j] += x * r[j];
            }
        }
        return count ? visited : 0;
    }
}
