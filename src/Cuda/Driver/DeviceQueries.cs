using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Driver;

/// <summary>The device properties read once when a device is opened (none needs a context).</summary>
internal static unsafe class DeviceQueries
{
    private const int TextBytes = 256;

    public static string Name(int device)
    {
        byte* name = stackalloc byte[TextBytes];
        CudaCheck.Ok(cuDeviceGetName(name, TextBytes, device));
        return NativeText.Read(new ReadOnlySpan<byte>(name, TextBytes));
    }

    public static int Attribute(int device, DeviceAttribute attribute)
    {
        int value;
        CudaCheck.Ok(cuDeviceGetAttribute(&value, attribute, device));
        return value;
    }

    public static long TotalMemory(int device)
    {
        nuint bytes;
        CudaCheck.Ok(cuDeviceTotalMem_v2(&bytes, device));
        return (long)bytes;
    }

    public static string PciBusId(int device)
    {
        byte* id = stackalloc byte[TextBytes];
        CudaCheck.Ok(cuDeviceGetPCIBusId(id, TextBytes, device));
        return NativeText.Read(new ReadOnlySpan<byte>(id, TextBytes));
    }
}
