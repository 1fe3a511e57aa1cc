using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// JIT-compiles PTX with cuModuleLoadDataEx, always passing error and info log buffers (verbose, so the info log lists
/// each kernel's registers and shared memory) and putting both logs into the exception when the JIT fails. The driver
/// caches the compiled code on disk (CUDA_CACHE_PATH), so a module's second load in a later process is fast.
/// </summary>
internal static unsafe class PtxJit
{
    private const int LogBytes = 64 * 1024;

    /// <summary>Loads <paramref name="ptx"/> in <paramref name="context"/>; returns the module and the JIT's info log.</summary>
    /// <exception cref="CudaException">The JIT failed; <see cref="CudaException.Detail"/> holds the logs.</exception>
    public static nint Load(PrimaryContext context, string name, string ptx, out string infoLog)
    {
        byte[] image = NativeText.NulTerminated(ptx);
        byte[] errorBuffer = new byte[LogBytes], infoBuffer = new byte[LogBytes];
        JitOption* options = stackalloc JitOption[]
        {
            JitOption.ErrorLogBuffer, JitOption.ErrorLogBufferSizeBytes,
            JitOption.InfoLogBuffer, JitOption.InfoLogBufferSizeBytes,
            JitOption.LogVerbose,
        };
        void** values = stackalloc void*[5];
        nint module;
        CudaResult result;
        fixed (byte* source = image, errors = errorBuffer, info = infoBuffer)
        {
            // Sizes and the verbosity flag travel by value in their pointer-sized slots, as the driver API defines.
            values[0] = errors;
            values[1] = (void*)LogBytes;
            values[2] = info;
            values[3] = (void*)LogBytes;
            values[4] = (void*)1;
            context.Bind();
            result = cuModuleLoadDataEx(&module, source, 5, options, values);
        }
        infoLog = NativeText.Read(infoBuffer);
        if (result != CudaResult.Success)
            throw new CudaException(result, $"cuModuleLoadDataEx(PTX module '{name}')", LogDetail(NativeText.Read(errorBuffer), infoLog));
        return module;
    }

    /// <summary>The exception detail made of the JIT's logs.</summary>
    internal static string LogDetail(string errorLog, string infoLog) =>
        $"JIT error log:{Environment.NewLine}{(errorLog.Length == 0 ? "(empty)" : errorLog)}{Environment.NewLine}" +
        $"JIT info log:{Environment.NewLine}{(infoLog.Length == 0 ? "(empty)" : infoLog)}";
}
