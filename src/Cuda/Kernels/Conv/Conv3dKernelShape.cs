using System.Runtime.InteropServices;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// The convolution as the conv3d PTX entries read it: the 21 <c>.u32</c> parameters from <c>p_rows</c> to <c>p_dil_w</c>,
/// in that order. Every value fits int32 (<see cref="Conv3dLaunchPlan"/> checks), so the kernels index in 32 bits.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Conv3dKernelShape
{
    /// <summary>GEMM rows M = N * To * Ho * Wo (output positions).</summary>
    public readonly int Rows;
    public readonly int InT, InH, InW, InChannels;
    public readonly int OutT, OutH, OutW, OutChannels;
    public readonly int KernelT, KernelH, KernelW;
    public readonly int StrideT, StrideH, StrideW;
    public readonly int PadT, PadH, PadW;
    public readonly int DilationT, DilationH, DilationW;

    public Conv3dKernelShape(in Conv3dGeometry g)
    {
        Rows = checked(g.Batch * (int)g.Output.Volume);
        (InT, InH, InW, InChannels) = (g.Input.T, g.Input.H, g.Input.W, g.InChannels);
        (OutT, OutH, OutW, OutChannels) = (g.Output.T, g.Output.H, g.Output.W, g.OutChannels);
        (KernelT, KernelH, KernelW) = (g.Kernel.T, g.Kernel.H, g.Kernel.W);
        (StrideT, StrideH, StrideW) = (g.Stride.T, g.Stride.H, g.Stride.W);
        (PadT, PadH, PadW) = (g.Padding.T, g.Padding.H, g.Padding.W);
        (DilationT, DilationH, DilationW) = (g.Dilation.T, g.Dilation.H, g.Dilation.W);
    }
}
