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
    /// <summary>Vectors of sums in registers: 8, plus the broadcasts and a loaded weight, fit every width's register file.</summary>
    public const int RegisterVectors = 8;

    /// <summary>Bytes of weights one (tap row, channel block, Cout block) spans: kW x channel block x Cout block, sized to stay in the L1 cache.</summary>
    public const int SlabBytes = 32 * 1024;

    /// <summary>Tallies: multiply-adds, compacted entries read, weight floats read.</summary>
    public const int TallyCount = 3, MacTally = 0, EntryTally = 1, WeightTally = 2;

    public Conv3dGeometry Geometry;
    public float* Bias, Output;
    public SparseInputWeights Weights;
    public SparseEntry* Slots;
    public int* Starts;
    public int KeptChannels, ChannelBlock, Blocks;
    public byte* FrameKept;
    public long* Tallies;
    /// <summary>True when each output pixel reads its kW taps of a row as one run (see <see cref="SparseInputCompaction"/>).</summary>
    public bool MergedTaps;

    /// <summary>True for the scatter form (<see cref="UsesWindow"/>).</summary>
    public bool Window;

    /// <summary>Most vectors of sums one pass over Cout holds (<see cref="PassVectors"/>).</summary>
    public int MaxPassVectors;

    /// <summary>
    /// Whether rows run in the scatter form of <see cref="SparseInputWindow{TOps, TVec}"/> (kW = 3, stride and dilation
    /// 1 along W, padding at most 2), else in the gather form of <see cref="SparseInputRows{TOps, TVec}"/>.
    /// </summary>
    public static bool UsesWindow(in Conv3dGeometry g) => g.Kernel.W == 3 && g.Stride.W == 1 && g.Dilation.W == 1 && g.Padding.W <= 2;

    /// <summary>
    /// Most vectors of sums per pass: 8 in the gather form; in the scatter form three pixels' worth, so 8 where there
    /// are 32 vector registers (AVX-512) and 4 with 16.
    /// </summary>
    public static int PassVectors(in Conv3dGeometry g, SimdWidth width) => UsesWindow(g) && width != SimdWidth.Vector512 ? 4 : RegisterVectors;

    /// <summary>
    /// Kept channels per block: as many as keep a block's weights for one tap row within <see cref="SlabBytes"/>, spread
    /// evenly over the blocks so the last one is not a sliver.
    /// </summary>
    public static int ChannelBlockOf(in Conv3dGeometry g, int keptChannels, SimdWidth width)
    {
        int lanes = GatedConvCost.LanesOf(width);
        int coutBlock = Math.Min(CoutVectors(g.OutChannels, lanes), PassVectors(g, width)) * lanes;
        int most = Math.Max(1, SlabBytes / (g.Kernel.W * coutBlock * sizeof(float)));
        int blocks = Math.Max(1, (keptChannels + most - 1) / most);
        return Math.Max(1, (keptChannels + blocks - 1) / blocks);
    }

    /// <summary>Vectors per output pixel: Cout padded to whole cache lines (<see cref="SparseInputWeights.PaddedOutChannels"/>).</summary>
    public static int CoutVectors(int outChannels, int lanes) => SparseInputWeights.PaddedOutChannels(outChannels) / lanes;

    /// <summary>
    /// Passes over Cout, each summing up to <see cref="PassVectors"/> vectors in registers: whole blocks of that many,
    /// then the remainder as 4, 2 and 1 vectors. Each pass reads the entries again.
    /// </summary>
    public static int CoutPasses(in Conv3dGeometry g, SimdWidth width)
    {
        int vectors = CoutVectors(g.OutChannels, GatedConvCost.LanesOf(width)), most = PassVectors(g, width);
        return vectors / most + System.Numerics.BitOperations.PopCount((uint)(vectors % most));
    }

    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        var rows = new SparseInputRows<TOps, TVec>
        {
            Geometry = g, Bias = Bias, Output = Output, Weights = Weights, Slots = Slots, Starts = Starts,
            KeptChannels = KeptChannels, ChannelBlock = ChannelBlock, Blocks = Blocks, FrameKept = FrameKept, Tallies = Tallies, MergedTaps = MergedTaps,
            Window = Window, MaxPassVectors = MaxPassVectors, Stride = SparseInputWeights.PaddedOutChannels(g.OutChannels),
        };
        new Span<long>(Tallies, TallyCount).Clear();
        ParallelFor.Run(g.Batch * g.Output.T * g.Output.H, ref rows);
    }
}

/// <summary>A number of vectors of sums, as a type, so each count compiles to its own unrolled loop.</summary>
internal interface ISumVectors
{
    static abstract int Vectors { get; }
}

internal readonly struct Sum1 : ISumVectors { public static int Vectors => 1; }

internal readonly struct Sum2 : ISumVectors { public static int Vectors => 2; }

internal readonly struct Sum4 : ISumVectors { public static int Vectors => 4; }

internal readonly struct Sum8 : ISumVectors { public static int Vectors => 8; }

/// <summary>
/// Computes output row (n, to, ho) in an aligned scratch row that stays in the L1 cache: bias first; then per tap row
/// (kt, kh) on a kept, in-range frame and line, per block of kept channels with entries on that line and per pass over
/// Cout, either the scatter form (<see cref="SparseInputWindow{TOps, TVec}"/>) or the gather form: each output
/// pixel's sums go into registers, take every entry of the run its kw taps read times that entry's weight row, and go
/// back. The weights one (tap row, channel block, Cout pass) uses stay in the L1 cache while the
/// row's pixels sweep them, and each output vector is loaded and stored once per run rather than once per multiply-add.
/// </summary>
internal unsafe struct SparseInputRows<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    public Conv3dGeometry Geometry;
    public float* Bias, Output;
    public SparseInputWeights Weights;
    public SparseEntry* Slots;
    public int* Starts;
    public int KeptChannels, ChannelBlock, Blocks;
    public byte* FrameKept;
    public long* Tallies;
    public bool MergedTaps, Window;
    public int MaxPassVectors;
    /// <summary>Floats per output pixel in the scratch row: Cout padded to whole cache lines.</summary>
    public int Stride;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int row)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int cout = g.OutChannels;
        int before = SparseInputWindow<TOps, TVec>.GuardsBefore, after = SparseInputWindow<TOps, TVec>.GuardsAfter;
        var (scratch, capacity) = NativeBufferPool.Rent((g.Output.W + before + after) * Stride);
        try
        {
            // Guard slots take the scatter form's sums for pixels past the row's ends; zero, so they hold no denormals.
            new Span<float>((float*)scratch, before * Stride).Clear();
            new Span<float>((float*)scratch + (nint)(before + g.Output.W) * Stride, after * Stride).Clear();
            float* y = (float*)scratch + before * Stride;
            for (int wo = 0; wo < g.Output.W; wo++)
            {
                var pixel = new Span<float>(y + (nint)wo * Stride, Stride);
                pixel.Slice(cout).Clear();
                if (Bias == null) pixel.Slice(0, cout).Clear();
                else new ReadOnlySpan<float>(Bias, cout).CopyTo(pixel);
            }
            Accumulate(row, y);
            float* output = Output + (nint)row * g.Output.W * cout;
            for (int wo = 0; wo < g.Output.W; wo++)
                new ReadOnlySpan<float>(y + (nint)wo * Stride, cout).CopyTo(new Span<float>(output + (nint)wo * cout, cout));
        }
        finally
        {
            NativeBufferPool.Return(scratch, capacity);
        }
    }

    /// <summary>Adds row (n, to, ho)'s contributions to <paramref name="y"/> (pixels <see cref="Stride"/> floats apart) and tallies them.</summary>
    private readonly void Accumulate(int row, float* y)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int ho = row % g.Output.H, to = row / g.Output.H % g.Output.T, n = row / (g.Output.H * g.Output.T);
        int width = g.Input.W;
        int tapStride = Weights.Rows * Weights.RowStride, vectors = Stride / TOps.Lanes;
        long entries = 0, weights = 0, macs = 0;
        for (int kt = 0; kt < g.Kernel.T; kt++)
        {
            int it = to * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            if ((uint)it >= (uint)g.Input.T || FrameKept[it] == 0) continue;
            for (int kh = 0; kh < g.Kernel.H; kh++)
            {
                int ih = ho * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                if ((uint)ih >= (uint)g.Input.H) continue;
                int line = ((n * g.Input.T + it) * g.Input.H + ih);
                float* tapRow = Weights.Data + (nint)(kt * g.Kernel.H + kh) * g.Kernel.W * tapStride;
                for (int b = 0; b < Blocks; b++)
                {
                    int* starts = Starts + ((nint)line * Blocks + b) * (width + 1);
                    int lineEntries = starts[width] - starts[0];
                    if (lineEntries == 0) continue;
                    int passes = 0;
                    for (int c = 0; c < vectors; passes++)
                    {
                        int left = Math.Min(vectors - c, MaxPassVectors);
                        int v = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
                        long visited = v switch
                        {
                            8 => Pass<Sum8>(tapRow, starts, c * TOps.Lanes, y),
                            4 => Pass<Sum4>(tapRow, starts, c * TOps.Lanes, y),
                            2 => Pass<Sum2>(tapRow, starts, c * TOps.Lanes, y),
                            _ => Pass<Sum1>(tapRow, starts, c * TOps.Lanes, y),
                        };
                        if (c == 0) macs += visited * g.OutChannels;
                        c += v;
                    }
                    entries += (long)lineEntries * passes;
                    weights += (long)g.Kernel.W * (Math.Min(ChannelBlock * (b + 1), KeptChannels) - ChannelBlock * b) * g.OutChannels;
                }
            }
        }
        Interlocked.Add(ref Tallies[SparseInputAccumulation.MacTally], macs);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.EntryTally], entries);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.WeightTally], weights);
    }

    /// <summary>One pass over Cout lanes [c, c + V lanes) of the row for one (tap row, channel block), in the scatter or the gather form.</summary>
    private readonly long Pass<TS>(float* tapRow, int* starts, int c, float* y) where TS : struct, ISumVectors
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        return Window
            ? SparseInputWindow<TOps, TVec>.Sweep<TS>(tapRow + c, (nint)Weights.Rows * Weights.RowStride, Slots, starts, g.Input.W, g.Padding.W, g.Output.W, y + c, Stride)
            : Sweep<TS>(tapRow, starts, c, y);
    }

    /// <summary>
    /// One pass over the row's output pixels for one (tap row, channel block): sums [c, c + V lanes) of each pixel
    /// take the entries its kw taps read. Returns the entries visited.
    /// </summary>
    private readonly long Sweep<TS>(float* tapRow, int* starts, int c, float* y) where TS : struct, ISumVectors
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int width = g.Input.W, kwStride = Weights.Rows * Weights.RowStride;
        long visited = 0;
        for (int wo = 0; wo < g.Output.W; wo++)
        {
            int origin = wo * g.Stride.W - g.Padding.W;
            float* sums = y + (nint)wo * Stride + c;
            if (MergedTaps)
            {
                int first = Math.Max(origin, 0), last = Math.Min(origin + g.Kernel.W, width);
                if (first >= last) continue;
                int start = starts[first], count = starts[last] - start;
                visited += count;
                // Entries carry iw * kwStride: shifting the base back by origin taps lands each on tap kw = iw - origin.
                Gather<TS>(tapRow + c - (nint)origin * kwStride, Slots + start, count, sums);
                continue;
            }
            for (int kw = 0; kw < g.Kernel.W; kw++)
            {
                int iw = origin + kw * g.Dilation.W;
                if ((uint)iw >= (uint)width) continue;
                int start = starts[iw], count = starts[iw + 1] - start;
                visited += count;
                Gather<TS>(tapRow + c + (nint)kw * kwStride, Slots + start, count, sums);
            }
        }
        return visited;
    }

    /// <summary>
    /// y[0 .. V lanes) += sum over the <paramref name="count"/> entries of value * w[offset ..]. Eight registers of sums
    /// whatever V: with V below 8, 8 / V consecutive entries go to separate sets of sums, added up at the end, so
    /// there are always 8 independent multiply-add chains to hide their latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather<TS>(float* w, SparseEntry* e, int count, float* y) where TS : struct, ISumVectors
    {
        int l = TOps.Lanes, v = TS.Vectors;
        TVec a0 = TOps.Load(y), a1 = v > 1 ? TOps.Load(y + l) : TOps.Zero;
        TVec a2 = v > 2 ? TOps.Load(y + 2 * l) : TOps.Zero, a3 = v > 2 ? TOps.Load(y + 3 * l) : TOps.Zero;
        TVec a4 = v > 4 ? TOps.Load(y + 4 * l) : TOps.Zero, a5 = v > 4 ? TOps.Load(y + 5 * l) : TOps.Zero;
        TVec a6 = v > 4 ? TOps.Load(y + 6 * l) : TOps.Zero, a7 = v > 4 ? TOps.Load(y + 7 * l) : TOps.Zero;
        int k = 0, step = SparseInputAccumulation.RegisterVectors / v;
        for (; k + step <= count; k += step)
        {
            SparseEntry* p = e + k;
            if (v == 8)
            {
                TVec x = TOps.Broadcast(p->Value);
                float* r = w + p->WeightOffset;
                a0 = TOps.MultiplyAdd(x, TOps.Load(r), a0);
                a1 = TOps.MultiplyAdd(x, TOps.Load(r + l), a1);
                a2 = TOps.MultiplyAdd(x, TOps.Load(r + 2 * l), a2);
                a3 = TOps.MultiplyAdd(x, TOps.Load(r + 3 * l), a3);
                a4 = TOps.MultiplyAdd(x, TOps.Load(r + 4 * l), a4);
                a5 = TOps.MultiplyAdd(x, TOps.Load(r + 5 * l), a5);
                a6 = TOps.MultiplyAdd(x, TOps.Load(r + 6 * l), a6);
                a7 = TOps.MultiplyAdd(x, TOps.Load(r + 7 * l), a7);
            }
            else if (v == 4)
            {
                TVec x0 = TOps.Broadcast(p[0].Value), x1 = TOps.Broadcast(p[1].Value);
                float* r0 = w + p[0].WeightOffset, r1 = w + p[1].WeightOffset;
                a0 = TOps.MultiplyAdd(x0, TOps.Load(r0), a0);
                a1 = TOps.MultiplyAdd(x0, TOps.Load(r0 + l), a1);
                a2 = TOps.MultiplyAdd(x0, TOps.Load(r0 + 2 * l), a2);
                a3 = TOps.MultiplyAdd(x0, TOps.Load(r0 + 3 * l), a3);
                a4 = TOps.MultiplyAdd(x1, TOps.Load(r1), a4);
                a5 = TOps.MultiplyAdd(x1, TOps.Load(r1 + l), a5);
                a6 = TOps.MultiplyAdd(x1, TOps.Load(r1 + 2 * l), a6);
                a7 = TOps.MultiplyAdd(x1, TOps.Load(r1 + 3 * l), a7);
            }
            else if (v == 2)
            {
                TVec x0 = TOps.Broadcast(p[0].Value), x1 = TOps.Broadcast(p[1].Value);
                TVec x2 = TOps.Broadcast(p[2].Value), x3 = TOps.Broadcast(p[3].Value);
                float* r0 = w + p[0].WeightOffset, r1 = w + p[1].WeightOffset, r2 = w + p[2].WeightOffset, r3 = w + p[3].WeightOffset;
                a0 = TOps.MultiplyAdd(x0, TOps.Load(r0), a0);
                a1 = TOps.MultiplyAdd(x0, TOps.Load(r0 + l), a1);
                a2 = TOps.MultiplyAdd(x1, TOps.Load(r1), a2);
                a3 = TOps.MultiplyAdd(x1, TOps.Load(r1 + l), a3);
                a4 = TOps.MultiplyAdd(x2, TOps.Load(r2), a4);
                a5 = TOps.MultiplyAdd(x2, TOps.Load(r2 + l), a5);
                a6 = TOps.MultiplyAdd(x3, TOps.Load(r3), a6);
                a7 = TOps.MultiplyAdd(x3, TOps.Load(r3 + l), a7);
            }
            else
            {
                a0 = TOps.MultiplyAdd(TOps.Broadcast(p[0].Value), TOps.Load(w + p[0].WeightOffset), a0);
                a1 = TOps.MultiplyAdd(TOps.Broadcast(p[1].Value), TOps.Load(w + p[1].WeightOffset), a1);
                a2 = TOps.MultiplyAdd(TOps.Broadcast(p[2].Value), TOps.Load(w + p[2].WeightOffset), a2);
                a3 = TOps.MultiplyAdd(TOps.Broadcast(p[3].Value), TOps.Load(w + p[3].WeightOffset), a3);
                a4 = TOps.MultiplyAdd(TOps.Broadcast(p[4].Value), TOps.Load(w + p[4].WeightOffset), a4);
                a5 = TOps.MultiplyAdd(TOps.Broadcast(p[5].Value), TOps.Load(w + p[5].WeightOffset), a5);
                a6 = TOps.MultiplyAdd(TOps.Broadcast(p[6].Value), TOps.Load(w + p[6].WeightOffset), a6);
                a7 = TOps.MultiplyAdd(TOps.Broadcast(p[7].Value), TOps.Load(w + p[7].WeightOffset), a7);
            }
        }
        // The last entries (fewer than one step) go to the first set.
        for (; k < count; k++)
        {
            TVec x = TOps.Broadcast(e[k].Value);
            float* r = w + e[k].WeightOffset;
            a0 = TOps.MultiplyAdd(x, TOps.Load(r), a0);
            if (v > 1) a1 = TOps.MultiplyAdd(x, TOps.Load(r + l), a1);
            if (v > 2)
            {
                a2 = TOps.MultiplyAdd(x, TOps.Load(r + 2 * l), a2);
                a3 = TOps.MultiplyAdd(x, TOps.Load(r + 3 * l), a3);
            }
            if (v > 4)
            {
                a4 = TOps.MultiplyAdd(x, TOps.Load(r + 4 * l), a4);
                a5 = TOps.MultiplyAdd(x, TOps.Load(r + 5 * l), a5);
                a6 = TOps.MultiplyAdd(x, TOps.Load(r + 6 * l), a6);
                a7 = TOps.MultiplyAdd(x, TOps.Load(r + 7 * l), a7);
            }
        }
        if (v == 4)
        {
            a0 = TOps.Add(a0, a4);
            a1 = TOps.Add(a1, a5);
            a2 = TOps.Add(a2, a6);
            a3 = TOps.Add(a3, a7);
        }
        else if (v == 2)
        {
            a0 = TOps.Add(TOps.Add(a0, a2), TOps.Add(a4, a6));
            a1 = TOps.Add(TOps.Add(a1, a3), TOps.Add(a5, a7));
        }
        else if (v == 1)
        {
            a0 = TOps.Add(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)), TOps.Add(TOps.Add(a4, a5), TOps.Add(a6, a7)));
        }
        TOps.Store(y, a0);
        if (v > 1) TOps.Store(y + l, a1);
        if (v > 2)
        {
            TOps.Store(y + 2 * l, a2);
            TOps.Store(y + 3 * l, a3);
        }
        if (v > 4)
        {
            TOps.Store(y + 4 * l, a4);
            TOps.Store(y + 5 * l, a5);
            TOps.Store(y + 6 * l, a6);
            TOps.Store(y + 7 * l, a7);
        }
    }
}
