using System.Text.RegularExpressions;
using NativeDance.Cuda;
using NativeDance.Cuda.Driver;

namespace NativeDance.Tests.Cuda.Driver;

[Trait("Category", "Gpu")]
[Collection(nameof(GpuCollection))]
public class GpuMemoryTests(GpuFixture gpu)
{
    [Fact]
    public void DeviceReportsItsProperties()
    {
        var device = gpu.Device;
        Assert.False(string.IsNullOrWhiteSpace(device.Name));
        Assert.True(device.ComputeCapability.Major >= 3, device.ComputeCapability.ToString());
        Assert.True(device.MultiprocessorCount > 0);
        Assert.True(device.TotalMemoryBytes > 1L << 28);
        Assert.True(device.MaxSharedBytesPerBlock >= 48 * 1024);
        Assert.True(device.DriverVersion >= CudaDriver.RequiredVersion);
        Assert.Equal(CudaDriver.Version, device.DriverVersion);
        Assert.Matches(new Regex(@"^[0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f]$"), device.PciBusId);
        var (free, total) = device.QueryMemory();
        Assert.InRange(free, 1, total);
    }

    [Fact]
    public void DriverNamesTheCodesAsTheFallbackTableDoes()
    {
        _ = gpu.Device;
        foreach (var result in Enum.GetValues<CudaResult>())
            Assert.Equal(CudaErrorText.Fallback(result).Name, CudaErrorText.Describe(result).Name);
    }

    [Fact]
    public void SynchronousCopiesRoundTripWholeAndAtOffsets()
    {
        var device = gpu.Device;
        var data = RandomFloats(10007, seed: 1);
        using var buffer = device.Allocate<float>(data.Length);
        Assert.Equal(data.Length * 4L, buffer.ByteLength);
        buffer.CopyFrom(data);
        var back = new float[data.Length];
        buffer.CopyTo(back);
        Assert.Equal(data, back);

        var patch = RandomFloats(37, seed: 2);
        buffer.CopyFrom(patch, offset: 5000);
        var middle = new float[41];
        buffer.CopyTo(middle, offset: 4998);
        Assert.Equal(data[4998..5000], middle[..2]);
        Assert.Equal(patch, middle[2..39]);
        Assert.Equal(data[5037..5039], middle[39..]);

        Assert.Throws<ArgumentException>(() => buffer.CopyFrom(patch, offset: data.Length - 36));
        Assert.Throws<ArgumentException>(() => buffer.CopyTo(middle, offset: -1));
    }

    [Fact]
    public void FillBytesSetsEveryByte()
    {
        var device = gpu.Device;
        using var buffer = device.Allocate<uint>(999);
        buffer.CopyFrom(Enumerable.Range(1, 999).Select(i => (uint)i).ToArray());
        buffer.FillBytes(0xAB);
        var back = new uint[999];
        buffer.CopyTo(back);
        Assert.All(back, v => Assert.Equal(0xABABABABu, v));
        buffer.FillBytes();
        buffer.CopyTo(back);
        Assert.All(back, v => Assert.Equal(0u, v));
    }

    [Fact]
    public void AsynchronousCopiesThroughPinnedBuffersRoundTrip()
    {
        var device = gpu.Device;
        var data = RandomFloats(4099, seed: 3);
        using var staging = device.AllocatePinned<float>(data.Length);
        using var result = device.AllocatePinned<float>(data.Length);
        using var buffer = device.Allocate<float>(data.Length + 10);
        using var stream = device.CreateStream();
        data.CopyTo(staging.Span);
        buffer.FillBytesAsync(stream);
        buffer.CopyFromAsync(staging, stream, offset: 10);
        buffer.CopyToAsync(result, stream, offset: 10);
        stream.Synchronize();
        Assert.True(stream.IsIdle);
        Assert.Equal(data, result.Span.ToArray());
        var head = new float[10];
        buffer.CopyTo(head);
        Assert.All(head, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void DeviceToDeviceCopyFillsTheDestinationsStart()
    {
        var device = gpu.Device;
        var data = RandomFloats(1000, seed: 5);
        using var source = device.Allocate<float>(data.Length);
        using var target = device.Allocate<float>(data.Length + 3);
        using var stream = device.CreateStream();
        source.CopyFrom(data);
        target.FillBytes();
        source.CopyToAsync(target, stream);
        stream.Synchronize();
        var back = new float[target.Length];
        target.CopyTo(back);
        Assert.Equal(data, back[..data.Length]);
        Assert.Equal(new float[3], back[data.Length..]);
        Assert.Throws<ArgumentException>(() => target.CopyToAsync(source, stream));
    }

    [Fact]
    public void FreedBlocksAreReusedAndTrimReturnsThem()
    {
        var device = gpu.Device;
        ulong address;
        using (var first = device.Allocate<float>(250_000)) address = first.Address;
        long driverAllocations = device.MemoryStatistics.DriverAllocations;
        using (var second = device.Allocate<float>(249_000))
        {
            Assert.Equal(address, second.Address);
            Assert.Equal(driverAllocations, device.MemoryStatistics.DriverAllocations);
        }
        Assert.True(device.MemoryStatistics.BytesCached >= 1_000_000);
        Assert.True(device.TrimCache() >= 1_000_000);
        Assert.Equal(0, device.MemoryStatistics.BytesCached);
    }

    [Fact]
    public void OutOfMemoryNamesTheRequestAndTheFreeMemory()
    {
        var device = gpu.Device;
        var e = Assert.Throws<CudaException>(() => device.Allocate<byte>(device.TotalMemoryBytes * 2));
        Assert.Equal(CudaResult.OutOfMemory, e.Result);
        Assert.Contains("CUDA_ERROR_OUT_OF_MEMORY", e.Message);
        Assert.Contains(" free of ", e.Message);
        using var stillWorks = device.Allocate<float>(16);
        stillWorks.FillBytes();
    }

    [Fact]
    public void PooledThreadsBindTheContextThemselves()
    {
        var device = gpu.Device;
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var data = RandomFloats(100 + i, seed: 10 + i);
            using var buffer = device.Allocate<float>(data.Length);
            buffer.CopyFrom(data);
            var back = new float[data.Length];
            buffer.CopyTo(back);
            Assert.Equal(data, back);
        });
    }

    [Fact]
    public void BuffersStayUsableAfterTheirDeviceObjectIsDisposed()
    {
        var first = gpu.Device;
        var data = RandomFloats(64, seed: 4);
        DeviceBuffer<float> buffer;
        using (var second = CudaDevice.Open(first.Ordinal))
        {
            buffer = second.Allocate<float>(data.Length);
            buffer.CopyFrom(data);
        }
        var back = new float[data.Length];
        buffer.CopyTo(back);
        Assert.Equal(data, back);
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.Address);
    }

    internal static float[] RandomFloats(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1).ToArray();
    }
}
