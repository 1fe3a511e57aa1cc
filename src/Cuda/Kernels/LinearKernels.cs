using System.Runtime.InteropServices;
using NativeDance.Tensors.Ops;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// Host side of cuda-kernels/linear.ptx: the classifier's fully connected layers, y = x W^T + b with W [out, in] as the
/// CPU's LinearStep stores it, for a batch of rows.
/// </summary>
internal static class LinearKernels
{
    public const string Module = "linear";
    // One warp per output feature, eight per block.
    private const uint WarpsPerBlock = 8;

    /// <summary>
    /// y [rows, out] = x' [rows, in] W^T + b, x' = max(x, 0) when <paramref name="rectifyInput"/> (a pending ReLU);
    /// <paramref name="bias"/> 0 means none.
    /// </summary>
    /// <exception cref="ArgumentException">The input, weight or output pointer is null.</exception>
    public static KernelLaunch<LinearArguments> Forward(in LinearGeometry g, ulong input, ulong weight, ulong bias, ulong output, bool rectifyInput)
    {
        var args = new LinearArguments(KernelArguments.Pointer(input, nameof(input)), KernelArguments.Pointer(weight, nameof(weight)), bias,
            KernelArguments.Pointer(output, nameof(output)), (uint)g.Batch, (uint)g.InFeatures, (uint)g.OutFeatures, rectifyInput ? 1u : 0u);
        var grid = new Dim3((uint)((g.OutFeatures + WarpsPerBlock - 1) / WarpsPerBlock));
        return new(Module, "linear", new LaunchShape(grid, new Dim3(32 * WarpsPerBlock)), args);
    }
}

/// <summary>The parameters of linear, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct LinearArguments(ulong input, ulong weight, ulong bias, ulong output, uint rows, uint inFeatures, uint outFeatures, uint rectifyInput)
{
    public readonly ulong Input = input, Weight = weight;
    /// <summary>0 for a layer without bias.</summary>
    public readonly ulong Bias = bias;
    public readonly ulong Output = output;
    public readonly uint Rows = rows, InFeatures = inFeatures, OutFeatures = outFeatures, RectifyInput = rectifyInput;
}
