using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Pass 2 of <see cref="SparseInputConv3d"/> at the dispatched SIMD width: one output row (n, to, ho) per parallel
/// iteration (<see cref="SparseInputRows{TOps, TVec}"/>). Adds the multiply-adds and compacted entries it executes
/// to <see cref="Tallies"/>.
/// </summary>
internal unsafe struct SparseInputAccumulation : ISimdAction
{
    /// <summary>Vectors of Cout accumulated at once: 8 registers of sums plus a weight and a broadcast fit every width's register file.</summary>
    public const int BlockVectors = 8;

    /// <summary>Tallies: [MacTally] multiply-adds, [EntryTally] compacted entries read.</summary>
    public const int TallyCount = 2, MacTally = 0, EntryTally = 1;

    public Conv3dGeometry Geometry;
    public float* Weight, Bias, Output;
    public SparseEntry* Slots;
    public int SlotLength;
    public int* Counts;
    public byte* FrameKept;
    public long* Tallies;

    /// <summary>
    /// How often an output pixel's entries are read: once per block of <see cref="BlockVectors"/> vectors of Cout,
    /// once per remaining whole vector, once for the remaining lanes.
    /// </summary>
    public static int CoutPasses(int outChannels, int lanes) =>
        outChannels / (BlockVectors * lanes) + outChannels % (BlockVectors * lanes) / lanes + (outChannels % lanes > 0 ? 1 : 0);

    public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        var rows = new SparseInputRows<TOps, TVec>
        {
            Geometry = g, Weight = Weight, Bias = Bias, Output = Output, Slots = Slots, SlotLength = SlotLength,
            Counts = Counts, FrameKept = FrameKept, Tallies = Tallies, Passes = CoutPasses(g.OutChannels, TOps.Lanes),
        };
        Tallies[MacTally] = Tallies[EntryTally] = 0;
        ParallelFor.Run(g.Batch * g.Output.T * g.Output.H, ref rows);
    }
}

/// <summary>
/// Computes output row (n, to, ho): y[n, to, ho, wo, :] = bias + sum over in-range taps on kept frames of the entries
/// of the input pixel the tap reads, each value times its weight row W[tap, c, :].
/// </summary>
internal unsafe struct SparseInputRows<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    public Conv3dGeometry Geometry;
    public float* Weight, Bias, Output;
    public SparseEntry* Slots;
    public int SlotLength;
    public int* Counts;
    public byte* FrameKept;
    public long* Tallies;
    public int Passes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int row)
    {
        ref readonly Conv3dGeometry g = ref Geometry;
        int ho = row % g.Output.H, to = row / g.Output.H % g.Output.T, n = row / (g.Output.H * g.Output.T);
        int volume = (int)g.Kernel.Volume, cout = g.OutChannels;
        // Taps of this row whose frame is kept and in range and whose line is in range: weight offset, input line, kw offset.
        int* tapWeight = stackalloc int[volume];
        int* tapLine = stackalloc int[volume];
        int* tapColumn = stackalloc int[volume];
        int taps = 0;
        for (int kt = 0; kt < g.Kernel.T; kt++)
        {
            int it = to * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            if ((uint)it >= (uint)g.Input.T || FrameKept[it] == 0) continue;
            for (int kh = 0; kh < g.Kernel.H; kh++)
            {
                int ih = ho * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                if ((uint)ih >= (uint)g.Input.H) continue;
                for (int kw = 0; kw < g.Kernel.W; kw++)
                {
                    tapWeight[taps] = ((kt * g.Kernel.H + kh) * g.Kernel.W + kw) * g.InChannels * cout;
                    tapLine[taps] = ((n * g.Input.T + it) * g.Input.H + ih) * g.Input.W;
                    tapColumn[taps] = kw * g.Dilation.W - g.Padding.W;
                    taps++;
                }
            }
        }
        // Per output pixel, the taps that read a pixel with entries: its weight block, its entries and their number.
        float** weights = stackalloc float*[volume];
        SparseEntry** entries = stackalloc SparseEntry*[volume];
        int* counts = stackalloc int[volume];
        long visited = 0;
        float* y = Output + (nint)row * g.Output.W * cout;
        for (int wo = 0; wo < g.Output.W; wo++, y += cout)
        {
            int active = 0;
            for (int i = 0; i < taps; i++)
            {
                int iw = wo * g.Stride.W + tapColumn[i];
                if ((uint)iw >= (uint)g.Input.W) continue;
                int pixel = tapLine[i] + iw;
                int count = Counts[pixel];
                if (count == 0) continue;
                weights[active] = Weight + tapWeight[i];
                entries[active] = Slots + (nint)pixel * SlotLength;
                counts[active] = count;
                visited += count;
                active++;
            }
            Accumulate(active, weights, entries, counts, y, cout);
        }
        Interlocked.Add(ref Tallies[SparseInputAccumulation.MacTally], visited * cout);
        Interlocked.Add(ref Tallies[SparseInputAccumulation.EntryTally], visited * Passes);
    }

    /// <summary>y[0..cout) = bias + the active taps' entries times their weight rows, Cout in register blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Accumulate(int active, float** weights, SparseEntry** entries, int* counts, float* y, int cout)
    {
        int lanes = TOps.Lanes, c = 0;
        for (; c + SparseInputAccumulation.BlockVectors * lanes <= cout; c += SparseInputAccumulation.BlockVectors * lanes)
            Block(active, weights, entries, counts, y, c);
        for (; c + lanes <= cout; c += lanes)
            Vector(active, weights, entries, counts, y, c);
        if (c < cout)
            Tail(active, weights, entries, counts, y, c, cout);
    }

    private readonly void Block(int active, float** weights, SparseEntry** entries, int* counts, float* y, int c)
    {
        int l = TOps.Lanes;
        float* b = Bias + c;
        TVec a0 = Bias == null ? TOps.Zero : TOps.Load(b), a1 = Bias == null ? TOps.Zero : TOps.Load(b + l);
        TVec a2 = Bias == null ? TOps.Zero : TOps.Load(b + 2 * l), a3 = Bias == null ? TOps.Zero : TOps.Load(b + 3 * l);
        TVec a4 = Bias == null ? TOps.Zero : TOps.Load(b + 4 * l), a5 = Bias == null ? TOps.Zero : TOps.Load(b + 5 * l);
        TVec a6 = Bias == null ? TOps.Zero : TOps.Load(b + 6 * l), a7 = Bias == null ? TOps.Zero : TOps.Load(b + 7 * l);
        for (int m = 0; m < active; m++)
        {
            float* w = weights[m] + c;
            SparseEntry* e = entries[m];
            for (int k = 0, count = counts[m]; k < count; k++)
            {
                float* r = w + e[k].WeightOffset;
                TVec x = TOps.Broadcast(e[k].Value);
                a0 = TOps.MultiplyAdd(x, TOps.Load(r), a0);
                a1 = TOps.MultiplyAdd(x, TOps.Load(r + l), a1);
                a2 = TOps.MultiplyAdd(x, TOps.Load(r + 2 * l), a2);
                a3 = TOps.MultiplyAdd(x, TOps.Load(r + 3 * l), a3);
                a4 = TOps.MultiplyAdd(x, TOps.Load(r + 4 * l), a4);
                a5 = TOps.MultiplyAdd(x, TOps.Load(r + 5 * l), a5);
                a6 = TOps.MultiplyAdd(x, TOps.Load(r + 6 * l), a6);
                a7 = TOps.MultiplyAdd(x, TOps.Load(r + 7 * l), a7);
            }
        }
        float* o = y + c;
        TOps.Store(o, a0);
        TOps.Store(o + l, a1);
        TOps.Store(o + 2 * l, a2);
        TOps.Store(o + 3 * l, a3);
        TOps.Store(o + 4 * l, a4);
        TOps.Store(o + 5 * l, a5);
        TOps.Store(o + 6 * l, a6);
        TOps.Store(o + 7 * l, a7);
    }

    private readonly void Vector(int active, float** weights, SparseEntry** entries, int* counts, float* y, int c)
    {
        TVec a = Bias == null ? TOps.Zero : TOps.Load(Bias + c);
        for (int m = 0; m < active; m++)
        {
            float* w = weights[m] + c;
            SparseEntry* e = entries[m];
            for (int k = 0, count = counts[m]; k < count; k++)
                a = TOps.MultiplyAdd(TOps.Broadcast(e[k].Value), TOps.Load(w + e[k].WeightOffset), a);
        }
        TOps.Store(y + c, a);
    }

    /// <summary>The last cout - c (fewer than one vector of) channels, one scalar sum each, in one pass over the entries.</summary>
    private readonly void Tail(int active, float** weights, SparseEntry** entries, int* counts, float* y, int c, int cout)
    {
        int width = cout - c;
        float* sums = y + c;
        for (int j = 0; j < width; j++) sums[j] = Bias == null ? 0f : Bias[c + j];
        for (int m = 0; m < active; m++)
        {
            float* w = weights[m] + c;
            SparseEntry* e = entries[m];
            for (int k = 0, count = counts[m]; k < count; k++)
            {
                float* r = w + e[k].WeightOffset;
                float x = e[k].Value;
                for (int j = 0; j < width; j++) sums[j] += x * r[j];
            }
        }
    }
}
