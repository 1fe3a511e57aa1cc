namespace NativeDance.Cuda;

/// <summary>
/// A CUDA driver API status code (<c>CUresult</c>). The named members are the codes this library reacts to or
/// describes without a driver; any other driver code is carried as its number.
/// </summary>
/// <example><code>
/// catch (CudaException e) when (e.Result == CudaResult.InvalidPtx) { Console.Error.WriteLine(e.Detail); }
/// </code></example>
public enum CudaResult
{
    /// <summary>CUDA_SUCCESS: the call succeeded.</summary>
    Success = 0,
    /// <summary>CUDA_ERROR_INVALID_VALUE: an argument is out of range.</summary>
    InvalidValue = 1,
    /// <summary>CUDA_ERROR_OUT_OF_MEMORY: the device (or pinned host) memory request could not be satisfied.</summary>
    OutOfMemory = 2,
    /// <summary>CUDA_ERROR_NOT_INITIALIZED: cuInit has not succeeded.</summary>
    NotInitialized = 3,
    /// <summary>CUDA_ERROR_DEINITIALIZED: the driver is shutting down.</summary>
    Deinitialized = 4,
    /// <summary>CUDA_ERROR_STUB_LIBRARY: a toolkit stub was loaded instead of the real driver.</summary>
    StubLibrary = 34,
    /// <summary>CUDA_ERROR_NO_DEVICE: no CUDA-capable device is visible.</summary>
    NoDevice = 100,
    /// <summary>CUDA_ERROR_INVALID_DEVICE: the device ordinal does not exist.</summary>
    InvalidDevice = 101,
    /// <summary>CUDA_ERROR_INVALID_IMAGE: the module image is not valid.</summary>
    InvalidImage = 200,
    /// <summary>CUDA_ERROR_INVALID_CONTEXT: no valid context is current.</summary>
    InvalidContext = 201,
    /// <summary>CUDA_ERROR_NO_BINARY_FOR_GPU: the module holds no code for this device.</summary>
    NoBinaryForGpu = 209,
    /// <summary>CUDA_ERROR_INVALID_PTX: the PTX JIT compilation failed (see the JIT error log).</summary>
    InvalidPtx = 218,
    /// <summary>CUDA_ERROR_JIT_COMPILER_NOT_FOUND: the driver's PTX JIT library is missing.</summary>
    JitCompilerNotFound = 221,
    /// <summary>CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the PTX ISA version is newer than the driver supports.</summary>
    UnsupportedPtxVersion = 222,
    /// <summary>CUDA_ERROR_INVALID_HANDLE: a handle passed to the driver is not valid.</summary>
    InvalidHandle = 400,
    /// <summary>CUDA_ERROR_NOT_FOUND: a named symbol (such as a kernel entry) was not found.</summary>
    NotFound = 500,
    /// <summary>CUDA_ERROR_NOT_READY: asynchronous work has not completed yet (not a failure).</summary>
    NotReady = 600,
    /// <summary>CUDA_ERROR_ILLEGAL_ADDRESS: a kernel accessed an invalid address (the context is unusable afterwards).</summary>
    IllegalAddress = 700,
    /// <summary>CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: the launch needs more registers or shared memory than available.</summary>
    LaunchOutOfResources = 701,
    /// <summary>CUDA_ERROR_LAUNCH_TIMEOUT: a kernel ran past the watchdog limit.</summary>
    LaunchTimeout = 702,
    /// <summary>CUDA_ERROR_ASSERT: a device-side assertion failed.</summary>
    Assert = 710,
    /// <summary>CUDA_ERROR_ILLEGAL_INSTRUCTION: a kernel executed an illegal instruction.</summary>
    IllegalInstruction = 715,
    /// <summary>CUDA_ERROR_MISALIGNED_ADDRESS: a kernel accessed a misaligned address.</summary>
    MisalignedAddress = 716,
    /// <summary>CUDA_ERROR_LAUNCH_FAILED: a kernel failed for an unspecified reason (for example a trap).</summary>
    LaunchFailed = 719,
    /// <summary>CUDA_ERROR_NOT_SUPPORTED: the operation is not supported on this device or platform.</summary>
    NotSupported = 801,
    /// <summary>CUDA_ERROR_SYSTEM_DRIVER_MISMATCH: the kernel-mode and user-mode driver versions differ.</summary>
    SystemDriverMismatch = 803,
    /// <summary>CUDA_ERROR_UNKNOWN: an unknown internal error.</summary>
    Unknown = 999,
}
