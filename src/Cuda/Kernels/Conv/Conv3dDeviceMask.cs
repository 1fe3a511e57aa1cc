namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// Device addresses of a <see cref="NativeDance.Tensors.Conv.Conv3dInputMask"/>: the kept-frame list int32[T], its count
/// (one int32), the kept-channel list int32[Cin] and its count. Lists are strictly increasing.
/// </summary>
internal readonly record struct Conv3dDeviceMask(ulong KeptFrames, ulong KeptFrameCount, ulong KeptChannels, ulong KeptChannelCount);
