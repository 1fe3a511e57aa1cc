using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The weights as the plane form of <see cref="SparseInputConv3d"/> reads them (kH = kW = 3): Cout is cut into passes
/// of <see cref="PassLanes"/> lanes (the vectors of sums one sweep holds, see <see cref="PassLanesOf"/>), and the layout is [pass][kt][ci][kh][kw][lane], zero-padded lanes past Cout. One input value's nine (kh, kw) weight
/// rows of a pass are then adjacent, at offsets the kernel knows at compile time, so every multiply-add takes its
/// weight from one base register plus a constant; the entry's offset ci * <see cref="ChannelStride"/> is the only
/// variable part. All input channels are laid out, so one copy serves every mask. One pass and kt per parallel
/// iteration of the copy.
/// </summary>
internal unsafe struct SparseInputPlaneWeights : IParallelBody
{
    /// <summary>Taps per (kt, ci): the 3 x 3 (kh, kw) window.</summary>
    public const int Taps = 9;

    /// <summary>[kT, 3, 3, Cin, Cout] as the caller passed them.</summary>
    public float* Source;

    /// <summary>The packed copy: <see cref="Length"/> floats.</summary>
    public float* Data;

    public int KernelT, InChannels, OutChannels, PassLanes;

    /// <summary>The layout for <paramref name="g"/> with passes of <paramref name="passLanes"/> lanes (<see cref="PassLanesOf"/>).</summary>
    public static SparseInputPlaneWeights For(in Conv3dGeometry g, int passLanes, float* source, float* data) => new()
    {
        Source = source, Data = data, KernelT = g.Kernel.T, InChannels = g.InChannels, OutChannels = g.OutChannels,
        PassLanes = passLanes,
    };

    /// <summary>
    /// Lanes per pass at <paramref name="width"/>: with AVX-512, 32 when Cout padded to 16 is an even number of vectors,
    /// else 16 (a pass of two vectors where Cout allows, since each pass reads the entries again); below, one vector
    /// (AVX2's 16 registers hold the sums of one).
    /// </summary>
    public static int PassLanesOf(int outChannels, SimdWidth width) =>
        width != SimdWidth.Vector512 ? GatedConvCost.LanesOf(width) : SparseInputWeights.PaddedOutChannels(outChannels) % 32 == 0 ? 32 : 16;

    /// <summary>Passes over <paramref name="outChannels"/> of <paramref name="passLanes"/> lanes each.</summary>
    public static int PassesOf(int outChannels, int passLanes) => (outChannels + passLanes - 1) / passLanes;

    /// <summary>Floats of the packed copy of <paramref name="g"/>'s weights in passes of <paramref name="passLanes"/> lanes.</summary>
    public static long Length(in Conv3dGeometry g, int passLanes) => (long)g.Kernel.T * g.InChannels * Taps * PassesOf(g.OutChannels, passLanes) * passLanes;

    /// <summary>Passes over Cout.</summary>
    public readonly int Passes => PassesOf(OutChannels, PassLanes);

    /// <summary>Floats between two input channels' weights in one (pass, kt) slab: what an entry's offset counts in.</summary>
    public readonly int ChannelStride => Taps * PassLanes;

    /// <summary>Floats of one (pass, kt) slab.</summary>
    public readonly long SlabLength => (long)InChannels * ChannelStride;

    /// <summary>The slab of pass <paramref name="pass"/> and temporal tap <paramref name="kt"/>.</summary>
    public readonly float* Slab(int pass, int kt) => Data + (pass * (long)KernelT + kt) * SlabLength;

    /// <summary>Packs all slabs, in parallel when there are several.</summary>
    public void Pack() => ParallelFor.Run(Passes * KernelT, ref this);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int slab)
    {
        int pass = slab / KernelT, kt = slab % KernelT, first = pass * PassLanes, lanes = Math.Min(PassLanes, OutChannels - first);
        float* destination = Slab(pass, kt);
        for (int ci = 0; ci < InChannels; ci++)
        for (int tap = 0; tap < Taps; tap++)
        {
            var row = new Span<float>(destination + (long)ci * ChannelStride + tap * PassLanes, PassLanes);
            if (lanes > 0)
                new ReadOnlySpan<float>(Source + ((long)(kt * Taps + tap) * InChannels + ci) * OutChannels + first, lanes).CopyTo(row);
            row.Slice(Math.Max(lanes, 0)).Clear();
        }
    }
}
