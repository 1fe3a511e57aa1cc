using NativeDance.Cuda.Driver;

namespace NativeDance.Cuda;

/// <summary>
/// A CUDA driver call failed. Carries the <see cref="CudaResult"/>, its name and description, the failing call's text
/// and, where there is one, what else explains it (the PTX JIT log, the kernel launched, the free device memory).
/// </summary>
/// <example><code>
/// catch (CudaException e) when (e.Result == CudaResult.OutOfMemory) { device.TrimCache(); }
/// </code></example>
public sealed class CudaException : Exception
{
    internal CudaException(CudaResult result, string call, string? detail = null)
        : this(result, CudaErrorText.Describe(result), call, detail ?? LaunchDescription.KernelFaultHint(result, CudaDebug.SynchronizeAfterEachLaunch))
    {
    }

    internal CudaException(CudaResult result, (string Name, string Description) text, string call, string? detail)
        : base(Format(text.Name, text.Description, call, detail))
    {
        Result = result;
        ErrorName = text.Name;
        Description = text.Description;
        Call = call;
        Detail = detail;
    }

    /// <summary>The driver's status code.</summary>
    public CudaResult Result { get; }

    /// <summary>A kernel faulted (illegal or misaligned address, illegal instruction, assert, timeout): the error sticks
    /// to the device's context, every later call on it fails the same way, and only disposing the device helps.</summary>
    public bool IsKernelFault => LaunchDescription.IsKernelFault(Result);

    /// <summary>The code's name, such as <c>CUDA_ERROR_OUT_OF_MEMORY</c>.</summary>
    public string ErrorName { get; }

    /// <summary>The driver's description of the code, such as "out of memory".</summary>
    public string Description { get; }

    /// <summary>The failing call as written in the source (or the kernel launch it stood for).</summary>
    public string Call { get; }

    /// <summary>Further explanation (JIT log, memory figures), or null.</summary>
    public string? Detail { get; }

    private static string Format(string name, string description, string call, string? detail) =>
        $"{call} failed with {name}: {description}." + (detail is null ? "" : " " + detail);
}
