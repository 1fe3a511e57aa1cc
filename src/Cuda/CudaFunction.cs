using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>A kernel entry of a <see cref="CudaModule"/>, with the resource use the JIT gave it. Launch it with
/// <see cref="CudaStream.Launch{TArgs}"/>.</summary>
/// <example><code>
/// var conv = device.Module("conv3d_forward").Function("conv3d_fwd_128x64");
/// conv.SetMaxDynamicSharedBytes(96 * 1024);
/// Console.WriteLine($"{conv}: {conv.Registers} registers, {conv.LocalBytes} B local");
/// </code></example>
public sealed class CudaFunction
{
    private readonly nint function;

    internal CudaFunction(CudaModule module, string name, nint function)
    {
        Module = module;
        Name = name;
        this.function = function;
        Registers = Attribute(FunctionAttribute.NumRegisters);
        StaticSharedBytes = Attribute(FunctionAttribute.SharedSizeBytes);
        LocalBytes = Attribute(FunctionAttribute.LocalSizeBytes);
        MaxThreadsPerBlock = Attribute(FunctionAttribute.MaxThreadsPerBlock);
    }

    /// <summary>The module the kernel belongs to.</summary>
    public CudaModule Module { get; }

    /// <summary>The entry name.</summary>
    public string Name { get; }

    /// <summary>Registers per thread.</summary>
    public int Registers { get; }

    /// <summary>Statically declared shared memory per block, in bytes.</summary>
    public int StaticSharedBytes { get; }

    /// <summary>Local memory per thread in bytes (non-zero means stack use or register spills).</summary>
    public int LocalBytes { get; }

    /// <summary>The largest block this kernel can be launched with on this device (limited by its registers).</summary>
    public int MaxThreadsPerBlock { get; }

    /// <summary>Lets launches ask for up to <paramref name="bytes"/> of dynamic shared memory per block; needed above 48 KiB
    /// (up to <see cref="CudaDevice.MaxSharedBytesPerBlock"/> minus <see cref="StaticSharedBytes"/>).</summary>
    /// <exception cref="CudaException">The device cannot give that much.</exception>
    public void SetMaxDynamicSharedBytes(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Module.Context.Bind();
        CudaCheck.Ok(cuFuncSetAttribute(Native, FunctionAttribute.MaxDynamicSharedSizeBytes, bytes),
            $"cuFuncSetAttribute({this}, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, {bytes})");
    }

    /// <inheritdoc />
    public override string ToString() => $"kernel '{Name}' of module '{Module.Name}'";

    internal nint Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(Module.IsUnloaded, Module);
            return function;
        }
    }

    private unsafe int Attribute(FunctionAttribute attribute)
    {
        int value;
        Module.Context.Bind();
        CudaCheck.Ok(cuFuncGetAttribute(&value, attribute, Native), $"cuFuncGetAttribute({this}, {attribute})");
        return value;
    }
}
