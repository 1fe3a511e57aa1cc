using System.Runtime.InteropServices;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// Host side of cuda-kernels/pooling.ptx: max and average 3D pooling as <see cref="Pool3dGeometry"/> defines them, and
/// global average pooling (the plan's GlobalPoolStep, pending ReLU fused). Activations are channels-last [N, T, H, W, C].
/// </summary>
internal static class PoolingKernels
{
    public const string Module = "pooling";
    private const uint PoolBlockThreads = 256;
    private const uint GlobalPoolBlockThreads = 128;

    /// <summary>y = max pooling of x; one thread per output element.</summary>
    /// <exception cref="ArgumentException">A device pointer is null.</exception>
    public static KernelLaunch<MaxPool3dArguments> MaxPool3d(in Pool3dGeometry g, ulong input, ulong output)
    {
        var args = new MaxPool3dArguments(KernelArguments.Pointer(input, nameof(input)), KernelArguments.Pointer(output, nameof(output)), g);
        return new(Module, "max_pool3d", KernelArguments.Cover(args.Total, PoolBlockThreads), args);
    }

    /// <summary>y = average pooling of x, dividing by the kernel volume or (without <paramref name="countIncludePad"/>) the in-bounds taps.</summary>
    /// <exception cref="ArgumentException">A device pointer is null, or the geometry has a dilation (average pooling has none).</exception>
    public static KernelLaunch<AvgPool3dArguments> AvgPool3d(in Pool3dGeometry g, ulong input, ulong output, bool countIncludePad = true)
    {
        if (g.Dilation != Dims3.Cube(1))
            throw new ArgumentException($"Average pooling has no dilation; got {g.Dilation}.", nameof(g));
        var args = new AvgPool3dArguments(KernelArguments.Pointer(input, nameof(input)), KernelArguments.Pointer(output, nameof(output)), g, countIncludePad);
        return new(Module, "avg_pool3d", KernelArguments.Cover(args.Total, PoolBlockThreads), args);
    }

    /// <summary>y [N, C] = mean over the positions of x [N, positions, C], read through max(x, 0) when <paramref name="rectify"/>.</summary>
    /// <exception cref="ArgumentException">A size is not positive, the input exceeds int.MaxValue elements, or a pointer is null.</exception>
    public static KernelLaunch<GlobalAvgPoolArguments> GlobalAvgPool(int batch, int positions, int channels, bool rectify, ulong input, ulong output)
    {
        KernelArguments.Count((long)batch * positions * channels, "batch * positions * channels");
        var args = new GlobalAvgPoolArguments(KernelArguments.Pointer(input, nameof(input)), KernelArguments.Pointer(output, nameof(output)),
            KernelArguments.Count((long)batch * channels, "batch * channels"), KernelArguments.Count(channels, nameof(channels)),
            KernelArguments.Count(positions, nameof(positions)), rectify ? 1u : 0u);
        return new(Module, "global_avg_pool", KernelArguments.Cover(args.Total, GlobalPoolBlockThreads), args);
    }
}

/// <summary>The parameters of max_pool3d, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct MaxPool3dArguments(ulong input, ulong output, in Pool3dGeometry g)
{
    public readonly ulong Input = input, Output = output;
    /// <summary>Output elements, N * To * Ho * Wo * C (the geometry keeps it below 2^31).</summary>
    public readonly uint Total = (uint)g.OutputLength;
    public readonly uint Channels = (uint)g.Channels;
    public readonly ParamDims3 In = ParamDims3.Of(g.Input), Out = ParamDims3.Of(g.Output), Kernel = ParamDims3.Of(g.Kernel),
        Stride = ParamDims3.Of(g.Stride), Padding = ParamDims3.Of(g.Padding), Dilation = ParamDims3.Of(g.Dilation);
}

/// <summary>The parameters of avg_pool3d, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct AvgPool3dArguments(ulong input, ulong output, in Pool3dGeometry g, bool countIncludePad)
{
    public readonly ulong Input = input, Output = output;
    /// <summary>Output elements, N * To * Ho * Wo * C.</summary>
    public readonly uint Total = (uint)g.OutputLength;
    public readonly uint Channels = (uint)g.Channels;
    public readonly ParamDims3 In = ParamDims3.Of(g.Input), Out = ParamDims3.Of(g.Output), Kernel = ParamDims3.Of(g.Kernel),
        Stride = ParamDims3.Of(g.Stride), Padding = ParamDims3.Of(g.Padding);
    public readonly uint CountIncludePad = countIncludePad ? 1u : 0u;
}

/// <summary>The parameters of global_avg_pool, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GlobalAvgPoolArguments(ulong input, ulong output, uint total, uint channels, uint positions, uint rectify)
{
    public readonly ulong Input = input, Output = output;
    /// <summary>Output elements, N * C.</summary>
    public readonly uint Total = total;
    public readonly uint Channels = channels, Positions = positions, Rectify = rectify;
}
