using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// Parameters of <c>conv3d_fwd_64x64</c> / <c>conv3d_fwd_32x32</c> (module conv3d_forward) in .param order. Pointers are
/// device addresses of fp32 tensors: input [N, T, H, W, Cin], weight [kT, kH, kW, Cin, Cout], bias [Cout] (0: none),
/// output [N, To, Ho, Wo, Cout]; workspace [splits, M, Cout] for split-K, 0 otherwise.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Conv3dForwardArgs
{
    public readonly ulong Input, Weight, Bias, Output, Workspace;
    public readonly Conv3dKernelShape Shape;
    /// <summary>1: ReLU after the bias (ignored when writing split-K partial sums), 0: none.</summary>
    public readonly uint Relu;

    public Conv3dForwardArgs(ulong input, ulong weight, ulong bias, ulong output, ulong workspace, in Conv3dKernelShape shape, bool relu)
    {
        (Input, Weight, Bias, Output, Workspace) = (input, weight, bias, output, workspace);
        Shape = shape;
        Relu = relu ? 1u : 0u;
    }
}
