using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NativeDance.Cuda.Driver;

/// <summary>Turns every failed <see cref="CudaResult"/> into a <see cref="CudaException"/> naming the call.</summary>
internal static class CudaCheck
{
    /// <summary>Throws unless <paramref name="result"/> is success; <paramref name="call"/> is filled in by the compiler
    /// with the text of the call that produced it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ok(CudaResult result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != CudaResult.Success) Throw(result, call);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(CudaResult result, string call) => throw new CudaException(result, call);
}
