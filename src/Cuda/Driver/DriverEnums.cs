namespace NativeDance.Cuda.Driver;

/// <summary>The <c>CUdevice_attribute</c> values this library reads.</summary>
internal enum DeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxSharedMemoryPerBlock = 8,
    MultiprocessorCount = 16,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
    MaxSharedMemoryPerBlockOptin = 97,
}

/// <summary>The <c>CUfunction_attribute</c> values this library reads or sets.</summary>
internal enum FunctionAttribute
{
    MaxThreadsPerBlock = 0,
    SharedSizeBytes = 1,
    LocalSizeBytes = 3,
    NumRegisters = 4,
    MaxDynamicSharedSizeBytes = 8,
}

/// <summary>The <c>CUjit_option</c> values passed to cuModuleLoadDataEx.</summary>
internal enum JitOption
{
    InfoLogBuffer = 3,
    InfoLogBufferSizeBytes = 4,
    ErrorLogBuffer = 5,
    ErrorLogBufferSizeBytes = 6,
    LogVerbose = 12,
}

/// <summary>Flags of cuStreamCreate and cuEventCreate.</summary>
internal static class CreationFlags
{
    /// <summary>CU_STREAM_NON_BLOCKING: the stream does not synchronise with the legacy default stream.</summary>
    public const uint NonBlockingStream = 0x1;

    /// <summary>CU_EVENT_DEFAULT: an event that records timing.</summary>
    public const uint TimingEvent = 0x0;
}
