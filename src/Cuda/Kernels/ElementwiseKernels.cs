using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// Host side of cuda-kernels/elementwise.ptx: the inference plan's in-place ReLU (ReluStep) and a residual block's end
/// relu(main + shortcut) written over main (AddReluStep), on contiguous fp32 buffers.
/// </summary>
internal static class ElementwiseKernels
{
    public const string Module = "elementwise";
    private const uint BlockThreads = 256;

    /// <summary>x = max(x, 0) over <paramref name="count"/> values.</summary>
    /// <exception cref="ArgumentException">The pointer is null or the count is not in [1, int.MaxValue].</exception>
    public static KernelLaunch<ReluArguments> Relu(ulong values, long count)
    {
        uint n = KernelArguments.Count(count, nameof(count));
        var args = new ReluArguments(KernelArguments.Pointer(values, nameof(values)), n);
        return new(Module, "relu", KernelArguments.Cover(n, BlockThreads), args);
    }

    /// <summary>main = max(main + shortcut, 0) over <paramref name="count"/> values.</summary>
    /// <exception cref="ArgumentException">A pointer is null or the count is not in [1, int.MaxValue].</exception>
    public static KernelLaunch<AddReluArguments> AddRelu(ulong main, ulong shortcut, long count)
    {
        uint n = KernelArguments.Count(count, nameof(count));
        var args = new AddReluArguments(KernelArguments.Pointer(main, nameof(main)), KernelArguments.Pointer(shortcut, nameof(shortcut)), n);
        return new(Module, "add_relu", KernelArguments.Cover(n, BlockThreads), args);
    }
}

/// <summary>The parameters of relu, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ReluArguments(ulong values, ulong count)
{
    public readonly ulong Values = values, Count = count;
}

/// <summary>The parameters of add_relu, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct AddReluArguments(ulong main, ulong shortcut, ulong count)
{
    public readonly ulong Main = main, Shortcut = shortcut, Count = count;
}
