namespace NativeDance.Tensors.Gemm;

/// <summary>
/// The GEMM driver's A scratch, one buffer per thread. Rented per task from the shared pool, a buffer went to whichever
/// thread asked next, so at 2 threads a task often packed its rows into lines the other core had just written, and each
/// store first pulled its line across: a 1024^3 multiply at 2 threads in 8 tasks took a median 15.3 ms that way and
/// 12.4 ms with a buffer per thread (alternating in one process). A buffer goes back to the pool when its thread ends.
/// </summary>
internal static unsafe class ThreadScratch
{
    [ThreadStatic] private static Holder? _holder;

    /// <summary>
    /// This thread's buffer of at least <paramref name="length"/> floats, or null when the thread already holds it (a
    /// task that multiplies inside a task): the caller then rents from the pool. Give it back with <see cref="Release"/>.
    /// </summary>
    public static float* Acquire(int length)
    {
        var holder = _holder ??= new Holder();
        if (holder.InUse) return null;
        if (holder.Capacity < length) holder.Grow(length);
        holder.InUse = true;
        return (float*)holder.Pointer;
    }

    /// <summary>Ends this thread's use of the buffer <see cref="Acquire"/> gave it.</summary>
    public static void Release() => _holder!.InUse = false;

    private sealed class Holder
    {
        public nint Pointer;
        public int Capacity;
        public bool InUse;

        public void Grow(int length)
        {
            NativeBufferPool.Return(Pointer, Capacity);
            Pointer = 0;
            Capacity = 0;
            (Pointer, Capacity) = NativeBufferPool.Rent(length);
        }

        ~Holder() => NativeBufferPool.Return(Pointer, Capacity);
    }
}
