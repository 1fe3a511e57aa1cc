using System.Runtime.CompilerServices;
using NativeDance.Tensors;

namespace NativeDance.Tests.Core;

public class NativeBufferPoolTests
{
    [Fact]
    public unsafe void ReturnedBuffersAreReusedAlignedAndNothingIsAllocatedHowManyComeBack()
    {
        // An odd length in a bucket few kernels use; 3000 buffers is far more than any earlier test left idle there, so
        // a free list that grew on the managed heap would allocate here.
        const int count = 3000, length = 1_000_003;
        var rented = new (nint Pointer, int Capacity)[count];
        var first = NativeBufferPool.Rent(1); // the pool's own one-time setup is not what is measured
        NativeBufferPool.Return(first.Pointer, first.Capacity);
        var (allocated, again) = RentAndReturnAll(rented, length / 1000);

        Assert.Equal(0, allocated);
        Assert.All(rented, r => Assert.Equal(1024, r.Capacity));
        Assert.All(rented, r => Assert.Equal(0, r.Pointer % NativeBufferPool.Alignment));
        Assert.Equal(count, rented.Select(r => r.Pointer).Distinct().Count());
        Assert.Contains(again.Pointer, rented.Select(r => r.Pointer));
        Assert.All(new Span<float>((void*)again.Pointer, again.Capacity).ToArray(), v => Assert.Equal(0f, v));
        NativeBufferPool.Return(again.Pointer, again.Capacity);
    }

    [Fact]
    public unsafe void LargeBuffersAreAlignedToHugePagesAndHoldWhatIsWritten()
    {
        // 2 MB and more: aligned for huge pages, and advised where the OS allows; either way an ordinary buffer.
        var (pointer, capacity) = NativeBufferPool.Rent((2 << 20) / sizeof(float) + 1);
        try
        {
            Assert.Equal(0, pointer % (2 << 20));
            var span = new Span<float>((void*)pointer, capacity);
            span.Fill(1.5f);
            span[^1] = -2f;
            Assert.Equal(1.5f, span[capacity / 2]);
            Assert.Equal(-2f, span[^1]);
        }
        finally
        {
            NativeBufferPool.Return(pointer, capacity);
        }
    }

    // Compiled optimised at once: a tier-0 test method's long loops go through on-stack replacement mid-measurement,
    // and one CI run counted 6,936 bytes on this thread here that the pool never allocates.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (long Allocated, (nint Pointer, int Capacity) Again) RentAndReturnAll((nint Pointer, int Capacity)[] rented, int length)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < rented.Length; i++) rented[i] = NativeBufferPool.Rent(length);
        for (int i = 0; i < rented.Length; i++) NativeBufferPool.Return(rented[i].Pointer, rented[i].Capacity);
        var again = NativeBufferPool.Rent(length, clear: true);
        return (GC.GetAllocatedBytesForCurrentThread() - before, again);
    }
}
