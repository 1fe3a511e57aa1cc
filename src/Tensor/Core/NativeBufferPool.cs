using System.Runtime.InteropServices;

namespace NativeDance.Tensors;

/// <summary>
/// A process-wide pool of 64-byte aligned native float buffers, bucketed by power-of-two capacity; buffers of 2 MB
/// and more are aligned to 2 MB and backed by huge pages where the OS grants them (Linux transparent huge pages).
/// Renting and returning never allocate on the managed heap: each bucket's idle buffers form a linked list through
/// their own first bytes (every buffer holds at least 16 floats), so however many buffers concurrent callers
/// return, no managed collection grows. That is what lets kernels take scratch space on every call without GC
/// pressure, and keeps a plan's "no allocation per clip" true while other threads use the pool.
/// </summary>
public static unsafe class NativeBufferPool
{
    /// <summary>Alignment of every buffer in bytes: one cache line, one AVX-512 register.</summary>
    public const int Alignment = 64;

    private const int MinBucketLog2 = 4;
    private const int BucketCount = 32;
    // Per bucket: the first idle buffer (0 when none); an idle buffer's first nint points to the next.
    private static readonly nint[] Idle = new nint[BucketCount];
    private static readonly Lock[] BucketLocks = CreateLocks();
    private static long _retainedBytes;

    /// <summary>Upper bound on the bytes kept for reuse; returns beyond it are freed at once.</summary>
    public static long MaxRetainedBytes { get; set; } = 2L << 30;

    /// <summary>Bytes currently held idle in the pool.</summary>
    public static long RetainedBytes => Interlocked.Read(ref _retainedBytes);

    /// <summary>
    /// Rents a buffer of at least <paramref name="length"/> floats. The contents are undefined unless
    /// <paramref name="clear"/> is set. Return it with <see cref="Return"/> and the same capacity.
    /// </summary>
    /// <returns>The buffer and its capacity in floats (a power of two, at least <paramref name="length"/>).</returns>
    public static (nint Pointer, int Capacity) Rent(int length, bool clear = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int bucket = BucketOf(length);
        int capacity = 1 << (bucket + MinBucketLog2);
        nint ptr;
        lock (BucketLocks[bucket])
        {
            ptr = Idle[bucket];
            if (ptr != 0) Idle[bucket] = *(nint*)ptr;
        }
        if (ptr != 0) Interlocked.Add(ref _retainedBytes, -(long)capacity * sizeof(float));
        if (ptr == 0)
        {
            nuint bytes = (nuint)capacity * sizeof(float);
            bool huge = bytes >= HugePages.Size;
            ptr = (nint)NativeMemory.AlignedAlloc(bytes, (nuint)(huge ? HugePages.Size : Alignment));
            if (huge) HugePages.Advise(ptr, bytes);
        }
        if (clear)
            new Span<float>((void*)ptr, capacity).Clear();
        return (ptr, capacity);
    }

    /// <summary>Gives a rented buffer back. <paramref name="capacity"/> must be the value <see cref="Rent"/> returned.</summary>
    public static void Return(nint pointer, int capacity)
    {
        if (pointer == 0) return;
        long bytes = (long)capacity * sizeof(float);
        if (Interlocked.Add(ref _retainedBytes, bytes) > MaxRetainedBytes)
        {
            Interlocked.Add(ref _retainedBytes, -bytes);
            NativeMemory.AlignedFree((void*)pointer);
            return;
        }
        int bucket = BucketOf(capacity);
        lock (BucketLocks[bucket])
        {
            *(nint*)pointer = Idle[bucket];
            Idle[bucket] = pointer;
        }
    }

    /// <summary>Frees every idle buffer.</summary>
    public static void Trim()
    {
        for (int bucket = 0; bucket < BucketCount; bucket++)
        {
            lock (BucketLocks[bucket])
            {
                while (Idle[bucket] is var ptr and not 0)
                {
                    Idle[bucket] = *(nint*)ptr;
                    NativeMemory.AlignedFree((void*)ptr);
                }
            }
        }
        Interlocked.Exchange(ref _retainedBytes, 0);
    }

    private static int BucketOf(int length)
    {
        int log2 = length <= 1 << MinBucketLog2 ? MinBucketLog2 : 32 - int.LeadingZeroCount(length - 1);
        int bucket = log2 - MinBucketLog2;
        if (bucket >= BucketCount)
            throw new ArgumentOutOfRangeException(nameof(length), length, "Buffer is larger than the pool can serve.");
        return bucket;
    }

    private static Lock[] CreateLocks()
    {
        var locks = new Lock[BucketCount];
        for (int i = 0; i < locks.Length; i++) locks[i] = new Lock();
        return locks;
    }
}
