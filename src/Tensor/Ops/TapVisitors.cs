using System.Runtime.CompilerServices;

namespace NativeDance.Tensors.Ops;

/// <summary>Receives the taps of a <see cref="PoolWindow"/>, one call per in-bounds input position.</summary>
internal interface ITapVisitor
{
    /// <summary>Visits the input position with flat index (t * H + h) * W + w within its clip.</summary>
    void Tap(int spatial);
}

/// <summary>
/// Four visitors fed the same taps: four blocks of channels per pass over a window, so the loop overhead of walking
/// the window is shared and the accumulators of all four stay in registers.
/// </summary>
internal struct FourTapVisitors<T>(T a, T b, T c, T d) : ITapVisitor where T : struct, ITapVisitor
{
    public T A = a, B = b, C = c, D = d;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tap(int spatial)
    {
        A.Tap(spatial);
        B.Tap(spatial);
        C.Tap(spatial);
        D.Tap(spatial);
    }
}
