using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// The name and description of a <see cref="CudaResult"/>: from the loaded driver (cuGetErrorName/cuGetErrorString),
/// else from a built-in table of the common codes, so messages stay useful when the driver is absent or fails to answer.
/// </summary>
internal static class CudaErrorText
{
    /// <summary>The driver's name and description of <paramref name="result"/>, or <see cref="Fallback"/>'s.</summary>
    public static (string Name, string Description) Describe(CudaResult result)
    {
        if (NativeLibraries.IsCudaLoaded && FromDriver(result) is { } text) return text;
        return Fallback(result);
    }

    /// <summary>The built-in name and description of <paramref name="result"/>; unlisted codes are named by number.</summary>
    public static (string Name, string Description) Fallback(CudaResult result) => result switch
    {
        CudaResult.Success => ("CUDA_SUCCESS", "no error"),
        CudaResult.InvalidValue => ("CUDA_ERROR_INVALID_VALUE", "invalid argument"),
        CudaResult.OutOfMemory => ("CUDA_ERROR_OUT_OF_MEMORY", "out of memory"),
        CudaResult.NotInitialized => ("CUDA_ERROR_NOT_INITIALIZED", "the driver has not been initialised"),
        CudaResult.Deinitialized => ("CUDA_ERROR_DEINITIALIZED", "the driver is shutting down"),
        CudaResult.StubLibrary => ("CUDA_ERROR_STUB_LIBRARY", "a CUDA stub library was loaded instead of the driver"),
        CudaResult.NoDevice => ("CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"),
        CudaResult.InvalidDevice => ("CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"),
        CudaResult.InvalidImage => ("CUDA_ERROR_INVALID_IMAGE", "the device kernel image is invalid"),
        CudaResult.InvalidContext => ("CUDA_ERROR_INVALID_CONTEXT", "invalid device context"),
        CudaResult.NoBinaryForGpu => ("CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for this device"),
        CudaResult.InvalidPtx => ("CUDA_ERROR_INVALID_PTX", "the PTX JIT compilation failed"),
        CudaResult.JitCompilerNotFound => ("CUDA_ERROR_JIT_COMPILER_NOT_FOUND", "the PTX JIT compiler library was not found"),
        CudaResult.UnsupportedPtxVersion => ("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the PTX was produced by a toolchain newer than the driver supports"),
        CudaResult.InvalidHandle => ("CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"),
        CudaResult.NotFound => ("CUDA_ERROR_NOT_FOUND", "named symbol not found"),
        CudaResult.NotReady => ("CUDA_ERROR_NOT_READY", "the device has not finished the work yet"),
        CudaResult.IllegalAddress => ("CUDA_ERROR_ILLEGAL_ADDRESS", "a kernel accessed an illegal memory address"),
        CudaResult.LaunchOutOfResources => ("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for the launch"),
        CudaResult.LaunchTimeout => ("CUDA_ERROR_LAUNCH_TIMEOUT", "the launch timed out and was terminated"),
        CudaResult.Assert => ("CUDA_ERROR_ASSERT", "a device-side assertion failed"),
        CudaResult.IllegalInstruction => ("CUDA_ERROR_ILLEGAL_INSTRUCTION", "a kernel executed an illegal instruction"),
        CudaResult.MisalignedAddress => ("CUDA_ERROR_MISALIGNED_ADDRESS", "a kernel accessed a misaligned address"),
        CudaResult.LaunchFailed => ("CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"),
        CudaResult.NotSupported => ("CUDA_ERROR_NOT_SUPPORTED", "the operation is not supported"),
        CudaResult.SystemDriverMismatch => ("CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "the system driver and the CUDA driver versions do not match"),
        CudaResult.Unknown => ("CUDA_ERROR_UNKNOWN", "unknown error"),
        _ => ($"CUresult {(int)result}", "a CUDA error this library has no description for"),
    };

    private static unsafe (string, string)? FromDriver(CudaResult result)
    {
        byte* name, description;
        if (cuGetErrorName(result, &name) != CudaResult.Success || cuGetErrorString(result, &description) != CudaResult.Success)
            return null;
        return (NativeText.Read(name), NativeText.Read(description));
    }
}
