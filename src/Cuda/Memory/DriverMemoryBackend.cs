using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Memory;

/// <summary>Device memory from cuMemAlloc_v2 / cuMemFree_v2 in a primary context.</summary>
internal sealed class DriverMemoryBackend(PrimaryContext context) : IDeviceMemoryBackend
{
    public unsafe bool TryAllocate(long bytes, out ulong address)
    {
        ulong allocated;
        context.Bind();
        CudaResult result = cuMemAlloc_v2(&allocated, (nuint)bytes);
        address = allocated;
        if (result == CudaResult.OutOfMemory) return false;
        CudaCheck.Ok(result, $"cuMemAlloc_v2({bytes} bytes)");
        return true;
    }

    public void Free(ulong address)
    {
        context.Bind();
        CudaCheck.Ok(cuMemFree_v2(address));
    }

    public unsafe (long FreeBytes, long TotalBytes) QueryMemory()
    {
        nuint free, total;
        context.Bind();
        CudaCheck.Ok(cuMemGetInfo_v2(&free, &total));
        return ((long)free, (long)total);
    }
}
