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
    /// This thread's buffer of at least <paramref name="length"/> floats, with pool capacity 0; or, when the thread
    /// already holds it (a task that multiplies inside a task), a buffer rented from the pool, with its capacity. Give
    /// either back with <see cref="Return"/>.
    /// </summary>
    public static (nint Pointer, int PoolCapacity) Rent(int length)
    {
        var holder = _holder ??= new Holder();
        if (holder.InUse) return NativeBufferPool.Rent(length);
        if (holder.Capacity < length) holder.Grow(length);
        holder.InUse = true;
        return (holder.Pointer, 0);
    }

    /// <summary>Gives back what <see cref="Rent"/> returned: the thread's buffer (pool capacity 0) or a pooled one.</summary>
    public static void Return(nint pointer, int poolCapacity)
    {
        if (poolCapacity != 0) NativeBufferPool.Return(pointer, poolCapacity);
        else _holder!.InUse = false;
    }

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
