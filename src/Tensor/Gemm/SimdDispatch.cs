using System.Runtime.Intrinsics;

namespace NativeDance.Tensors.Gemm;

/// <summary>The register width a kernel runs with.</summary>
internal enum SimdWidth
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

/// <summary>An operation generic over the SIMD width; <see cref="SimdDispatch.Run{TAction}"/> instantiates it for the chosen one.</summary>
internal interface ISimdAction
{
    void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged;
}

/// <summary>
/// Picks the widest accelerated vector type and runs a kernel with it. Tests can force a narrower width on
/// their own thread (<see cref="Override"/>) so every path is exercised on a machine that has them all.
/// </summary>
internal static class SimdDispatch
{
    public static SimdWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : Vector128.IsHardwareAccelerated ? SimdWidth.Vector128
        : SimdWidth.Scalar;

    /// <summary>A width forced on the current thread, or null for <see cref="Best"/>. Must not exceed what the hardware accelerates.</summary>
    [ThreadStatic] public static SimdWidth? Override;

    public static SimdWidth Width => Override ?? Best;

    public static void Run<TAction>(ref TAction action) where TAction : struct, ISimdAction
    {
        switch (Width)
        {
            case SimdWidth.Vector512: action.Run<Vector512Ops, Vector512<float>>(); break;
            case SimdWidth.Vector256: action.Run<Vector256Ops, Vector256<float>>(); break;
            case SimdWidth.Vector128: action.Run<Vector128Ops, Vector128<float>>(); break;
            default: action.Run<ScalarOps, float>(); break;
        }
    }
}
