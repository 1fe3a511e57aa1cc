using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// The CUDA driver API entry points this library uses, bound by their exported names (the <c>_v2</c> ones explicitly,
/// as cuda.h's macros would) with blittable signatures: handles are <see cref="nint"/>, <c>CUdevice</c> is
/// <see cref="int"/>, <c>CUdeviceptr</c> is <see cref="ulong"/>, <c>size_t</c> is <see cref="nuint"/>. Methods keep
/// the C names so the call text in a <see cref="CudaException"/> reads like the driver documentation. Callers bind the
/// device's context on the calling thread first (<see cref="PrimaryContext.Bind"/>).
/// </summary>
internal static unsafe partial class CuApi
{
    static CuApi() => NativeLibraries.RegisterResolver();

    private const string Lib = NativeLibraries.Cuda;

    [LibraryImport(Lib)] public static partial CudaResult cuInit(uint flags);
    [LibraryImport(Lib)] public static partial CudaResult cuDriverGetVersion(int* version);
    [LibraryImport(Lib)] public static partial CudaResult cuGetErrorName(CudaResult error, byte** name);
    [LibraryImport(Lib)] public static partial CudaResult cuGetErrorString(CudaResult error, byte** description);

    [LibraryImport(Lib)] public static partial CudaResult cuDeviceGetCount(int* count);
    [LibraryImport(Lib)] public static partial CudaResult cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Lib)] public static partial CudaResult cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] public static partial CudaResult cuDeviceGetAttribute(int* value, DeviceAttribute attribute, int device);
    [LibraryImport(Lib)] public static partial CudaResult cuDeviceTotalMem_v2(nuint* bytes, int device);
    [LibraryImport(Lib)] public static partial CudaResult cuDeviceGetPCIBusId(byte* busId, int length, int device);

    [LibraryImport(Lib)] public static partial CudaResult cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Lib)] public static partial CudaResult cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Lib)] public static partial CudaResult cuCtxSetCurrent(nint context);
    [LibraryImport(Lib)] public static partial CudaResult cuCtxSynchronize();

    [LibraryImport(Lib)] public static partial CudaResult cuMemGetInfo_v2(nuint* free, nuint* total);
    [LibraryImport(Lib)] public static partial CudaResult cuMemAlloc_v2(ulong* address, nuint bytes);
    [LibraryImport(Lib)] public static partial CudaResult cuMemFree_v2(ulong address);
    [LibraryImport(Lib)] public static partial CudaResult cuMemAllocHost_v2(void** host, nuint bytes);
    [LibraryImport(Lib)] public static partial CudaResult cuMemFreeHost(void* host);
    [LibraryImport(Lib)] public static partial CudaResult cuMemcpyHtoD_v2(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib)] public static partial CudaResult cuMemcpyDtoH_v2(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib)] public static partial CudaResult cuMemcpyHtoDAsync_v2(ulong destination, void* source, nuint bytes, nint stream);
    [LibraryImport(Lib)] public static partial CudaResult cuMemcpyDtoHAsync_v2(void* destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Lib)] public static partial CudaResult cuMemcpyDtoDAsync_v2(ulong destination, ulong source, nuint bytes, nint stream);
    [LibraryImport(Lib)] public static partial CudaResult cuMemsetD8_v2(ulong destination, byte value, nuint count);
    [LibraryImport(Lib)] public static partial CudaResult cuMemsetD8Async(ulong destination, byte value, nuint count, nint stream);

    [LibraryImport(Lib)] public static partial CudaResult cuModuleLoadDataEx(nint* module, void* image, uint optionCount, JitOption* options, void** optionValues);
    [LibraryImport(Lib)] public static partial CudaResult cuModuleGetFunction(nint* function, nint module, byte* name);
    [LibraryImport(Lib)] public static partial CudaResult cuModuleUnload(nint module);
    [LibraryImport(Lib)] public static partial CudaResult cuFuncGetAttribute(int* value, FunctionAttribute attribute, nint function);
    [LibraryImport(Lib)] public static partial CudaResult cuFuncSetAttribute(nint function, FunctionAttribute attribute, int value);

    [LibraryImport(Lib)]
    public static partial CudaResult cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, void** kernelParams, void** extra);

    [LibraryImport(Lib)] public static partial CudaResult cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Lib)] public static partial CudaResult cuStreamDestroy_v2(nint stream);
    [LibraryImport(Lib)] public static partial CudaResult cuStreamSynchronize(nint stream);
    [LibraryImport(Lib)] public static partial CudaResult cuStreamQuery(nint stream);

    [LibraryImport(Lib)] public static partial CudaResult cuEventCreate(nint* evt, uint flags);
    [LibraryImport(Lib)] public static partial CudaResult cuEventRecord(nint evt, nint stream);
    [LibraryImport(Lib)] public static partial CudaResult cuEventSynchronize(nint evt);
    [LibraryImport(Lib)] public static partial CudaResult cuEventElapsedTime(float* milliseconds, nint start, nint end);
    [LibraryImport(Lib)] public static partial CudaResult cuEventDestroy_v2(nint evt);
}
