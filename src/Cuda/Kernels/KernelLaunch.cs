using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// One launch of a PTX entry as its host side prepares it: which module and entry to run, the launch shape, and the
/// argument struct whose fields are the entry's .param list in order (the byte image the driver copies).
/// </summary>
/// <typeparam name="TArgs">A blittable, sequential struct mirroring the entry's parameters.</typeparam>
/// <param name="Module">The module's name in <see cref="PtxSources"/> (cuda-kernels/&lt;module&gt;.ptx).</param>
/// <param name="Entry">The .entry name.</param>
/// <param name="Shape">Grid, block and dynamic shared memory.</param>
/// <param name="Arguments">The parameter values.</param>
internal readonly record struct KernelLaunch<TArgs>(string Module, string Entry, LaunchShape Shape, TArgs Arguments) where TArgs : unmanaged;

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

/// <summary>Checks and launch shapes shared by the kernels' host sides.</summary>
internal static class KernelArguments
{
    /// <summary>Returns <paramref name="address"/>, which must not be null.</summary>
    /// <exception cref="ArgumentException">The address is 0.</exception>
    public static ulong Pointer(ulong address, string name) =>
        address != 0 ? address : throw new ArgumentException($"The device pointer '{name}' is null.", name);

    /// <summary>A positive count that fits the kernels' 32-bit signed indexing.</summary>
    /// <exception cref="ArgumentException">The count is not in [1, int.MaxValue].</exception>
    public static uint Count(long count, string name) =>
        count is > 0 and <= int.MaxValue ? (uint)count : throw new ArgumentException($"{name} = {count} must be in [1, {int.MaxValue}].", name);

    /// <summary>A one-dimensional launch of one thread per item, <paramref name="blockThreads"/> threads per block.</summary>
    public static LaunchShape Cover(uint items, uint blockThreads) =>
        new(new Dim3((uint)(((ulong)items + blockThreads - 1) / blockThreads)), new Dim3(blockThreads));
}
