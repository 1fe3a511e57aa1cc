using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>Three u32 kernel parameters (t, h, w) in that order, as the kernels declare extents, strides and paddings.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ParamDims3(uint t, uint h, uint w)
{
    public readonly uint T = t;
    public readonly uint H = h;
    public readonly uint W = w;

    /// <summary>The parameters of <paramref name="dims"/>, whose components the geometry types keep non-negative.</summary>
    public static ParamDims3 Of(Tensors.Conv.Dims3 dims) => new((uint)dims.T, (uint)dims.H, (uint)dims.W);
}
