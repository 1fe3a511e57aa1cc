using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using NativeDance.Cuda.Driver;

namespace NativeDance.Cuda.Nvml;

/// <summary>An NVML call failed: carries the <c>nvmlReturn_t</c>, NVML's description of it and the failing call.</summary>
/// <example><code>
/// try { meter.Start(); } catch (NvmlException e) when (e.Code == 3) { Console.WriteLine("no energy counter on this GPU"); }
/// </code></example>
public sealed class NvmlException : Exception
{
    internal NvmlException(int code, string description, string call)
        : base($"{call} failed with NVML error {code}: {description}.")
    {
        Code = code;
        Description = description;
        Call = call;
    }

    /// <summary>The <c>nvmlReturn_t</c> (3 is NVML_ERROR_NOT_SUPPORTED).</summary>
    public int Code { get; }

    /// <summary>NVML's description of <see cref="Code"/>.</summary>
    public string Description { get; }

    /// <summary>The failing call as written in the source.</summary>
    public string Call { get; }

    /// <summary>Throws unless <paramref name="code"/> is NVML_SUCCESS.</summary>
    internal static void Check(int code, [CallerArgumentExpression(nameof(code))] string call = "")
    {
        if (code != NvmlApi.Success) Throw(code, call);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void Throw(int code, string call) =>
        throw new NvmlException(code, NativeText.Read(NvmlApi.nvmlErrorString(code)), call);
}
