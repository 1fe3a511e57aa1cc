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
    /// <summary>Vectors of Cout held at once: 8 weight registers, a broadcast and a sum fit every width's register file.</summary>
    public const int BlockVectors = 8;

    /// <summary>Tallies: multiply-adds, compacted entries read, weight rows (of Cout floats) loaded.</summary>
    public const int TallyCount = 3, MacTally = 0, EntryTally = 1, WeightRowTally = 2;

    public Conv3dGeometry Geometry;
    public float* Weight, Bias, Output;
    public SparseEntry* Slots;
    public int* Counts;
    /// <summary>Kept channels, strictly increasing, or null for all.</summary>
    public int* Channels;
    public int KeptChannels;
    public byte* FrameKept;
    /// <summary>ColumnMap[kw * W + w]: the output column that tap kw of input column w lands on, or -1.</summary>
    public int* ColumnMap;
    public long* Tallies;

    /// <summary>
    /// How often each list of entries is read per (output row, tap): once per block of <see cref="BlockVectors"/>
    /// vectors of Cout, once per remaining whole vector, once for the remaining lanes.
    /// </summary>
    public static int CoutPasses(int outChannels, int lanes) =>
        outChannels / (BlockVectors * lanes) + outChannels % (BlockVectors * lanes) / lanes + (outChannels % lanes > 0 ? 1 : 0);

    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        var rows = new SparseInputRows<TOps, TVec>
        {
            Geometry = g, Weight = Weight, Bias = Bias, Output = Output, Slots = Slots, Counts = Counts, Channels = Channels,
            KeptChannels = KeptChannels, FrameKept = FrameKept, ColumnMap = ColumnMap, Tallies = Tallies,
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
/// Computes output row (n, to, ho) in a scratch row that stays in the L1 cache: bias first, then for each tap row (kt, kh) on a kept,
/// in-range frame and line, each kept channel's non-zero list of that input line, and each kw: the weight row
/// W[kt, kh, kw, c, :] is loaded into registers a block of Cout at a time and every listed value times it is added to
/// the output pixel its column lands on. Weights are loaded once per list, not once per multiply-add.
/// </summary>
internal unsafe struct SparseInputRows<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    public Conv3dGeometry Geometry;
    public float* Weight, Bias, Output;
    public SparseEntry* Slots;
    public int* Counts;
    public int* Channels;
    public int KeptChannels;
    public byte* FrameKept;
    public int* ColumnMap;
    public long* Tallies;
    public int Passes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int row)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int cout = g.OutChannels;
        // The row is accumulated in a 64-byte aligned scratch row, pixels padded to whole cache lines: every multiply-add
        // loads and stores its sums, and split lines would stall store-to-load forwarding. The output is written once.
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
        long macs = 0, entries = 0, weightRows = 0;
        int kwStride = g.InChannels * cout;
        for (int kt = 0; kt < g.Kernel.T; kt++)
        {
            int it = to * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            if ((uint)it >= (uint)g.Input.T || FrameKept[it] == 0) continue;
            for (int kh = 0; kh < g.Kernel.H; kh++)
            {
                int ih = ho * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                if ((uint)ih >= (uint)g.Input.H) continue;
                int line = (n * g.Input.T + it) * g.Input.H + ih;
                int* counts = Counts + (nint)line * KeptChannels;
                SparseEntry* lists = Slots + (nint)line * KeptChannels * g.Input.W;
                float* tapRow = Weight + (nint)(kt * g.Kernel.H + kh) * g.Kernel.W * kwStride;
                for (int j = 0; j < KeptChannels; j++)
                {
                    int count = counts[j];
                    if (count == 0) continue;
                    SparseEntry* list = lists + (nint)j * g.Input.W;
                    float* channelRow = tapRow + (nint)(Channels == null ? j : Channels[j]) * cout;
                    for (int kw = 0; kw < g.Kernel.W; kw++)
                    {
                        float* weights = channelRow + (nint)kw * kwStride;
                        int* map = ColumnMap + (nint)kw * g.Input.W;
                        int landed = 0, c = 0;
                        for (; c + block <= cout; c += block) landed = Scatter<Block8>(list, count, map, weights + c, y + c, stride);
                        for (; c + lanes <= cout; c += lanes) landed = Scatter<Block1>(list, count, map, weights + c, y + c, stride);
                        if (c < cout) landed = Tail(list, count, map, weights + c, y + c, cout - c, stride);
                        macs += (long)landed * cout;
                    }
                    entries += (long)count * g.Kernel.W * Passes;
                    weightRows += g.Kernel.W;
                }
            }
        }
        Interlocked.Add(ref Tallies[SparseInputAccumulation.MacTally], macs);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.EntryTally], entries);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.WeightRowTally], weightRows);
    }

    /// <summary>
    /// y[map[column] * stride + (0 .. B lanes)] += value * w[0 .. B lanes) for each listed entry whose column lands on an
    /// output (B = <typeparamref name="TB"/> vectors, the weights held in registers); returns how many landed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Scatter<TB>(SparseEntry* list, int count, int* map, float* w, float* y, int stride) where TB : struct, IBlockVectors
    {
        int l = TOps.Lanes, v = TB.Vectors, landed = 0;
        TVec w0 = TOps.Load(w);
        TVec w1 = v > 1 ? TOps.Load(w + l) : TOps.Zero, w2 = v > 1 ? TOps.Load(w + 2 * l) : TOps.Zero, w3 = v > 1 ? TOps.Load(w + 3 * l) : TOps.Zero;
        TVec w4 = v > 1 ? TOps.Load(w + 4 * l) : TOps.Zero, w5 = v > 1 ? TOps.Load(w + 5 * l) : TOps.Zero;
        TVec w6 = v > 1 ? TOps.Load(w + 6 * l) : TOps.Zero, w7 = v > 1 ? TOps.Load(w + 7 * l) : TOps.Zero;
        for (int k = 0; k < count; k++)
        {
            int wo = map[list[k].Column];
            if (wo < 0) continue;
            landed++;
            TVec x = TOps.Broadcast(list[k].Value);
            float* o = y + (nint)wo * stride;
            TOps.Store(o, TOps.MultiplyAdd(x, w0, TOps.Load(o)));
            if (v > 1)
            {
                TOps.Store(o + l, TOps.MultiplyAdd(x, w1, TOps.Load(o + l)));
                TOps.Store(o + 2 * l, TOps.MultiplyAdd(x, w2, TOps.Load(o + 2 * l)));
                TOps.Store(o + 3 * l, TOps.MultiplyAdd(x, w3, TOps.Load(o + 3 * l)));
                TOps.Store(o + 4 * l, TOps.MultiplyAdd(x, w4, TOps.Load(o + 4 * l)));
                TOps.Store(o + 5 * l, TOps.MultiplyAdd(x, w5, TOps.Load(o + 5 * l)));
                TOps.Store(o + 6 * l, TOps.MultiplyAdd(x, w6, TOps.Load(o + 6 * l)));
                TOps.Store(o + 7 * l, TOps.MultiplyAdd(x, w7, TOps.Load(o + 7 * l)));
            }
        }
        return landed;
    }

    /// <summary><see cref="Scatter{TB}"/> for the last <paramref name="width"/> (fewer than one vector of) channels, scalar.</summary>
    private static int Tail(SparseEntry* list, int count, int* map, float* w, float* y, int width, int stride)
    {
        int landed = 0;
        for (int k = 0; k < count; k++)
        {
            int wo = map[list[k].Column];
            if (wo < 0) continue;
            landed++;
            float x = list[k].Value;
            float* o = y + (nint)wo * stride;
            for (int j = 0; j < width; j++) o[j] += x * w[j];
        }
        return landed;
    }
}
