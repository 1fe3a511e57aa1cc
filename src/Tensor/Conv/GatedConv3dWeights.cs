using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// A conv's weights and bias prepared once for repeated <see cref="GatedConv3d"/> and <see cref="SparseInputConv3d"/>
/// calls (an inference plan's layer): the weights in their usual layout on a 64-byte boundary, so the sparse kernel
/// reads them in place where it can, and, where the sparse kernel runs its plane form (3 x 3 spatial window, stride 1,
/// on AVX-512 or AVX2), also in that form's layout for the running SIMD width, which per-call weights would have to be
/// copied into on every call. The buffers live on the pinned heap, so the object needs no disposal.
/// </summary>
/// <example><code>var prepared = new GatedConv3dWeights(g, weight, bias);
/// GatedConv3d.Forward(g, input, prepared, output, mask, out var work);</code></example>
public sealed unsafe class GatedConv3dWeights
{
    private readonly float[] _weight;
    private readonly int _weightOffset;
    private readonly float[] _bias;

    /// <summary>Copies <paramref name="weight"/> ([kT, kH, kW, Cin, Cout]) and <paramref name="bias"/> ([Cout] or empty for none) for <paramref name="g"/>.</summary>
    /// <exception cref="ArgumentException">A length does not match the geometry, or groups are not 1.</exception>
    public GatedConv3dWeights(in Conv3dGeometry g, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        if (g.Groups != 1)
            throw new ArgumentException($"Gated conv weights need groups = 1; conv {g} has groups {g.Groups}.", nameof(g));
        if (weight.Length != g.WeightLength) g.RequireLength(nameof(weight), weight.Length, g.WeightLength, g.WeightShape);
        if (!bias.IsEmpty && bias.Length != g.OutChannels) g.RequireLength(nameof(bias), bias.Length, g.OutChannels, new Shape(g.OutChannels));
        Geometry = g;
        (_weight, _weightOffset) = Aligned(g.WeightLength);
        weight.CopyTo(_weight.AsSpan(_weightOffset, g.WeightLength));
        _bias = bias.ToArray();
        var width = SimdDispatch.Width;
        if (!SparseInputPlanes.Applies(g, width)) return;
        PlaneLanes = SparseInputPlaneWeights.PassLanesOf(g.OutChannels, width);
        (PlaneData, PlaneOffset) = Aligned(checked((int)SparseInputPlaneWeights.Length(g, PlaneLanes)));
        fixed (float* source = _weight, packed = PlaneData)
        {
            var plane = SparseInputPlaneWeights.For(g, PlaneLanes, source + _weightOffset, packed + PlaneOffset);
            plane.Pack();
        }
    }

    /// <summary>The convolution these weights were prepared for.</summary>
    public Conv3dGeometry Geometry { get; }

    /// <summary>The weights, [kT, kH, kW, Cin, Cout], starting on a 64-byte boundary.</summary>
    public ReadOnlySpan<float> Weight => _weight.AsSpan(_weightOffset, Geometry.WeightLength);

    /// <summary>The bias, [Cout], or empty for none.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>The plane form's layout (<see cref="SparseInputPlaneWeights"/>) from <see cref="PlaneOffset"/>, or null where that form does not run.</summary>
    internal float[]? PlaneData { get; }

    internal int PlaneOffset { get; }

    /// <summary>
    /// Lanes per pass of <see cref="PlaneData"/> (<see cref="SparseInputPlaneWeights.PassLanesOf"/> at the width it was
    /// packed at), 0 for none: a call at a width whose passes differ packs its own copy instead.
    /// </summary>
    internal int PlaneLanes { get; }

    /// <summary>Checks that these weights were prepared for <paramref name="g"/>.</summary>
    /// <exception cref="ArgumentException">They were prepared for another geometry.</exception>
    internal void RequireGeometry(in Conv3dGeometry g)
    {
        if (!Geometry.Equals(g))
            throw new ArgumentException($"These weights were prepared for conv {Geometry}, not for conv {g}.", "weights");
    }

    /// <summary>A pinned array holding <paramref name="length"/> floats from a 64-byte boundary, and that boundary's index.</summary>
    private static (float[] Array, int Offset) Aligned(int length)
    {
        const int slack = NativeBufferPool.Alignment / sizeof(float);
        var array = GC.AllocateArray<float>(length + slack, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int offset = (int)((NativeBufferPool.Alignment - (address & (NativeBufferPool.Alignment - 1))) & (NativeBufferPool.Alignment - 1)) / sizeof(float);
        return (array, offset);
    }
}
