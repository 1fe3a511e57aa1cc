using NativeDance.Cuda;
using NativeDance.Cuda.Memory;

namespace NativeDance.Tests.Cuda.Driver;

public class CachingAllocatorTests
{
    [Theory]
    [InlineData(0, 512)]
    [InlineData(1, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 1024)]
    [InlineData(2048, 2048)]
    [InlineData(2049, 2560)]
    [InlineData(3000, 3072)]
    [InlineData(5000, 5120)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, (1 << 20) + (1 << 18))]
    [InlineData(7L << 30, 7L << 30)]
    public void BucketsRoundUpToQuarterPowersOfTwo(long bytes, long bucket) =>
        Assert.Equal(bucket, CachingAllocator.BucketBytes(bytes));

    [Fact]
    public void BucketsCoverTheRequestWasteUnderAQuarterAndNeverShrink()
    {
        var random = new Random(5);
        long previousSize = 0, previousBucket = 0;
        foreach (long size in Enumerable.Range(0, 2000).Select(_ => random.NextInt64(1, 1L << 34)).Order())
        {
            long bucket = CachingAllocator.BucketBytes(size);
            Assert.True(bucket >= size, $"bucket {bucket} < request {size}");
            Assert.True(bucket % CachingAllocator.MinimumBlockBytes == 0, $"bucket {bucket} of {size} is not a multiple of 512");
            Assert.True(bucket - size < Math.Max(CachingAllocator.MinimumBlockBytes, size / 4.0), $"bucket {bucket} wastes too much of {size}");
            Assert.True(size == previousSize || bucket >= previousBucket, $"bucket of {size} ({bucket}) < bucket of {previousSize} ({previousBucket})");
            (previousSize, previousBucket) = (size, bucket);
        }
    }

    [Fact]
    public void NegativeRequestIsRejected()
    {
        var allocator = new CachingAllocator(new FakeMemoryBackend(1 << 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.Rent(-1));
    }

    [Fact]
    public void ReturnedBlockIsReusedForTheSameBucketWithoutTheDriver()
    {
        var backend = new FakeMemoryBackend(1 << 20);
        var allocator = new CachingAllocator(backend);
        ulong first = allocator.Rent(1000);
        allocator.Return(first);
        ulong second = allocator.Rent(900);
        Assert.Equal(first, second);
        Assert.Equal(1, backend.Allocations);
        ulong other = allocator.Rent(5000);
        Assert.NotEqual(first, other);
        Assert.Equal(2, backend.Allocations);
        Assert.Equal(0, backend.Frees);
    }

    [Fact]
    public void StatisticsFollowRentsReturnsAndTrim()
    {
        var backend = new FakeMemoryBackend(1 << 24);
        var allocator = new CachingAllocator(backend);
        ulong a = allocator.Rent(1000), b = allocator.Rent(3000), c = allocator.Rent(3000);
        Assert.Equal(new DeviceMemoryStatistics(1024 + 3072 * 2, 0, 1024 + 3072 * 2, 3, 0, 3), allocator.Statistics);
        allocator.Return(b);
        allocator.Return(a);
        Assert.Equal(new DeviceMemoryStatistics(3072, 1024 + 3072, 1024 + 3072 * 2, 1, 2, 3), allocator.Statistics);
        Assert.Equal(1024 + 3072, allocator.Trim());
        Assert.Equal(new DeviceMemoryStatistics(3072, 0, 1024 + 3072 * 2, 1, 0, 3), allocator.Statistics);
        Assert.Equal(1, backend.LiveBlocks);
        allocator.Return(c);
        Assert.Equal(3072, allocator.Trim());
        Assert.Equal(0, backend.LiveBlocks);
        Assert.Equal(0, backend.LiveBytes);
    }

    [Fact]
    public void TrimFreesEveryCachedBlockAndLeavesLiveOnesAlone()
    {
        var backend = new FakeMemoryBackend(1 << 26);
        var allocator = new CachingAllocator(backend);
        var random = new Random(7);
        var blocks = Enumerable.Range(0, 50).Select(_ => allocator.Rent(random.Next(1, 1 << 18))).ToList();
        foreach (ulong block in blocks.Where((_, i) => i % 3 != 0)) allocator.Return(block);
        long cached = allocator.Statistics.BytesCached;
        Assert.Equal(cached, allocator.Trim());
        Assert.Equal(blocks.Count(b => blocks.IndexOf(b) % 3 == 0), backend.LiveBlocks);
        Assert.Equal(allocator.Statistics.BytesInUse, backend.LiveBytes);
        Assert.Equal(0, allocator.Trim());
    }

    [Fact]
    public void DoubleReturnAndForeignAddressesAreRejected()
    {
        var allocator = new CachingAllocator(new FakeMemoryBackend(1 << 20));
        ulong block = allocator.Rent(100);
        allocator.Return(block);
        var twice = Assert.Throws<InvalidOperationException>(() => allocator.Return(block));
        Assert.Contains($"0x{block:x}", twice.Message);
        var foreign = Assert.Throws<ArgumentException>(() => allocator.Return(0xdead_0000));
        Assert.Contains("0xdead0000", foreign.Message);
        allocator.Trim();
        Assert.Throws<ArgumentException>(() => allocator.Return(block));
    }

    [Fact]
    public void OutOfMemoryTrimsTheCacheAndRetries()
    {
        var backend = new FakeMemoryBackend(8192);
        var allocator = new CachingAllocator(backend);
        allocator.Return(allocator.Rent(4096));
        allocator.Return(allocator.Rent(2048));
        ulong big = allocator.Rent(8192);
        Assert.Equal(0, allocator.Statistics.BytesCached);
        Assert.Equal(8192, backend.LiveBytes);
        allocator.Return(big);
    }

    [Fact]
    public void OutOfMemoryAfterTrimNamesTheRequestAndTheFreeMemory()
    {
        var backend = new FakeMemoryBackend(3L << 20);
        var allocator = new CachingAllocator(backend);
        allocator.Rent(2L << 20);
        var e = Assert.Throws<CudaException>(() => allocator.Rent(1_500_000));
        Assert.Equal(CudaResult.OutOfMemory, e.Result);
        Assert.Contains("1.43 MiB", e.Message);
        Assert.Contains("1.00 MiB free of 3.00 MiB", e.Message);
        Assert.Contains("2.00 MiB in live buffers", e.Message);
    }

    [Fact]
    public void AfterCloseReturnsGoStraightToTheDriverAndRentsAreRefused()
    {
        var backend = new FakeMemoryBackend(1 << 20);
        var allocator = new CachingAllocator(backend);
        ulong live = allocator.Rent(100);
        allocator.Return(allocator.Rent(5000));
        allocator.Close();
        Assert.Equal(1, backend.LiveBlocks);
        allocator.Return(live);
        Assert.Equal(0, backend.LiveBlocks);
        Assert.Throws<ObjectDisposedException>(() => allocator.Rent(100));
    }

    [Fact]
    public void AfterAKernelFaultTrimThrowsButCloseAndLateReturnsDoNot()
    {
        var backend = new FakeMemoryBackend(1 << 20);
        var allocator = new CachingAllocator(backend);
        ulong live = allocator.Rent(100);
        allocator.Return(allocator.Rent(5000));
        allocator.Return(allocator.Rent(9000));
        backend.KernelFaulted = true;

        Assert.True(Assert.Throws<CudaException>(() => allocator.Trim()).IsKernelFault);
        allocator.Close();
        allocator.Return(live);

        Assert.Equal(new DeviceMemoryStatistics(0, 0, allocator.Statistics.PeakBytesInUse, 0, 0, 3), allocator.Statistics);
        Assert.Throws<ObjectDisposedException>(() => allocator.Rent(100));
    }

    [Fact]
    public void ConcurrentRentsAndReturnsKeepTheBooksBalanced()
    {
        var backend = new FakeMemoryBackend(1L << 32);
        var allocator = new CachingAllocator(backend);
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            var held = new List<ulong>();
            for (int i = 0; i < 2000; i++)
            {
                if (held.Count > 0 && random.Next(2) == 0)
                {
                    int k = random.Next(held.Count);
                    allocator.Return(held[k]);
                    held.RemoveAt(k);
                }
                else held.Add(allocator.Rent(random.Next(1, 20_000)));
            }
            foreach (ulong block in held) allocator.Return(block);
        });
        var stats = allocator.Statistics;
        Assert.Equal(0, stats.BytesInUse);
        Assert.Equal(0, stats.BuffersInUse);
        Assert.Equal(backend.LiveBytes, stats.BytesCached);
        Assert.Equal(backend.Allocations, stats.DriverAllocations);
        allocator.Trim();
        Assert.Equal(0, backend.LiveBlocks);
    }
}
