using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// Parameters of <c>conv3d_masked_64x64</c> / <c>conv3d_masked_32x32</c> (module conv3d_masked) in .param order: the
/// tensors of <see cref="Conv3dForwardArgs"/>, then the mask as <see cref="NativeDance.Tensors.Conv.Conv3dInputMask"/>
/// holds it (strictly increasing int32 kept-frame and kept-channel lists) with each list's count in device memory (one
/// int32), so a mask computed on the device is used without a host round trip, and the executed-MAC counter (one u64 the
/// blocks add to; 0: not counted).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct Conv3dMaskedArgs
{
    public readonly ulong Input, Weight, Bias, Output, Workspace;
    public readonly ulong KeptFrames, KeptFrameCount, KeptChannels, KeptChannelCount, ExecutedMacs;
    public readonly Conv3dKernelShape Shape;
    /// <summary>1: ReLU after the bias (ignored when writing split-K partial sums), 0: none.</summary>
    public readonly uint Relu;

    public Conv3dMaskedArgs(ulong input, ulong weight, ulong bias, ulong output, ulong workspace, in Conv3dDeviceMask mask,
        ulong executedMacs, in Conv3dKernelShape shape, bool relu)
    {
        (Input, Weight, Bias, Output, Workspace) = (input, weight, bias, output, workspace);
        (KeptFrames, KeptFrameCount, KeptChannels, KeptChannelCount) = (mask.KeptFrames, mask.KeptFrameCount, mask.KeptChannels, mask.KeptChannelCount);
        ExecutedMacs = executedMacs;
        Shape = shape;
        Relu = relu ? 1u : 0u;
    }
}
