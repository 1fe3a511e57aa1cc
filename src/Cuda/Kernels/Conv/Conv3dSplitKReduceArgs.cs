using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// Parameters of <c>conv3d_splitk_reduce</c> (module conv3d_forward) in .param order: output[i] = act(bias[i % Cout] +
/// workspace[0, i] + ... + workspace[splits - 1, i]) for i below M * Cout, summed in that fixed order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Conv3dSplitKReduceArgs
{
    public readonly ulong Workspace, Bias, Output;
    public readonly int Elements, OutChannels, Splits;
    /// <summary>1: ReLU after the bias, 0: none.</summary>
    public readonly uint Relu;

    public Conv3dSplitKReduceArgs(ulong workspace, ulong bias, ulong output, int elements, int outChannels, int splits, bool relu)
    {
        (Workspace, Bias, Output) = (workspace, bias, output);
        (Elements, OutChannels, Splits) = (elements, outChannels, splits);
        Relu = relu ? 1u : 0u;
    }
}
