using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// The arithmetic of one SIMD width, as static members of an empty struct: a kernel generic over it is
/// compiled once per width with every call inlined, so AVX-512, AVX2, NEON and scalar code share one source.
/// </summary>
/// <typeparam name="TVec">The register type: <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> or float.</typeparam>
internal unsafe interface IVectorOps<TVec> where TVec : unmanaged
{
    /// <summary>Floats per register.</summary>
    static abstract int Lanes { get; }

    /// <summary>
    /// Rows of the register tile. A tile of MaxRows x (2 * Lanes) needs 2 * MaxRows accumulators plus two
    /// registers of B and one broadcast of A, which must fit in the register file or the kernel spills.
    /// </summary>
    static abstract int MaxRows { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Load(float* source);

    static abstract void Store(float* destination, TVec value);

    static abstract TVec Broadcast(float value);

    /// <summary>a * b + addend, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec addend);

    static abstract TVec Add(TVec a, TVec b);

    /// <summary>The lane-wise maximum, NaN when either lane is NaN (IEEE 754:2019 maximum), as the engine's max pool.</summary>
    static abstract TVec Max(TVec a, TVec b);
}

/// <summary>
/// AVX-512: 32 zmm registers, so a 14 x 32 tile (28 accumulators, 2 of B, 1 broadcast). 14 rows also split the
/// output lines of the common video nets evenly (112, 56, 28, 14, 7 pixels), where 12 would leave short tiles.
/// </summary>
internal readonly unsafe struct Vector512Ops : IVectorOps<Vector512<float>>
{
    public static int Lanes => Vector512<float>.Count;
    public static int MaxRows => 14;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector512<float> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.MultiplyAddEstimate(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
}

/// <summary>AVX2 + FMA: 16 ymm registers, so BLIS's Haswell 6 x 16 tile (12 accumulators).</summary>
internal readonly unsafe struct Vector256Ops : IVectorOps<Vector256<float>>
{
    public static int Lanes => Vector256<float>.Count;
    public static int MaxRows => 6;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector256<float> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.MultiplyAddEstimate(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
}

/// <summary>NEON (32 registers: 12 x 8 tile) or SSE (16 registers: 6 x 8 tile).</summary>
internal readonly unsafe struct Vector128Ops : IVectorOps<Vector128<float>>
{
    public static int Lanes => Vector128<float>.Count;
    public static int MaxRows => AdvSimd.IsSupported ? 12 : 6;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* source) => Vector128.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector128<float> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.MultiplyAddEstimate(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
}

/// <summary>Plain floats, for CPUs without accelerated vectors: a 4 x 2 tile.</summary>
internal readonly unsafe struct ScalarOps : IVectorOps<float>
{
    public static int Lanes => 1;
    public static int MaxRows => 4;
    public static float Zero => 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(float* source) => *source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, float value) => *destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MultiplyAdd(float a, float b, float addend) => a * b + addend;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Max(float a, float b) => MathF.Max(a, b);
}
