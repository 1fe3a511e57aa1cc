using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>
/// A JIT-compiled PTX module on one device, with its kernels looked up once by name and cached.
/// Get embedded modules with <see cref="CudaDevice.Module"/> (loaded once, owned by the device) or compile PTX text with
/// <see cref="CudaDevice.LoadModule"/> (owned by the caller).
/// </summary>
/// <example><code>
/// var conv = device.Module("conv3d_forward").Function("conv3d_fwd_64x64");
/// </code></example>
public sealed class CudaModule : IDisposable
{
    private readonly LoadedModuleHandle handle;
    private readonly bool ownedByDevice;
    private readonly Lock gate = new();
    private readonly Dictionary<string, CudaFunction> functions = [];

    private CudaModule(CudaDevice device, string name, LoadedModuleHandle handle, string infoLog, bool ownedByDevice)
    {
        Device = device;
        Name = name;
        this.handle = handle;
        JitInfoLog = infoLog;
        this.ownedByDevice = ownedByDevice;
    }

    /// <summary>The device the module is loaded on.</summary>
    public CudaDevice Device { get; }

    /// <summary>The module's name (the embedded module's name, or the name given with the PTX text).</summary>
    public string Name { get; }

    /// <summary>What the JIT reported while compiling (registers, shared memory and spills per kernel); empty when the
    /// driver took the compiled module from its disk cache instead of compiling.</summary>
    public string JitInfoLog { get; }

    /// <summary>The kernel entry <paramref name="entry"/> (<c>.visible .entry</c> name), looked up once and cached.</summary>
    /// <exception cref="CudaException">The module has no such entry (<see cref="CudaResult.NotFound"/>).</exception>
    public unsafe CudaFunction Function(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            if (functions.TryGetValue(entry, out var cached)) return cached;
            byte[] name = NativeText.NulTerminated(entry);
            nint function;
            handle.Context.Bind();
            fixed (byte* text = name)
                CudaCheck.Ok(cuModuleGetFunction(&function, handle.Native, text), $"cuModuleGetFunction(module '{Name}', '{entry}')");
            var created = new CudaFunction(this, entry, function);
            functions[entry] = created;
            return created;
        }
    }

    /// <summary>Unloads a module compiled with <see cref="CudaDevice.LoadModule"/>. Does nothing for a module the device
    /// owns (<see cref="CudaDevice.Module"/>): the device unloads those when it is disposed.</summary>
    public void Dispose()
    {
        if (!ownedByDevice) Unload();
    }

    /// <inheritdoc />
    public override string ToString() => $"PTX module '{Name}'";

    internal PrimaryContext Context => handle.Context;

    internal bool IsUnloaded => handle.IsClosed;

    internal static CudaModule Load(CudaDevice device, string name, string ptx, bool ownedByDevice)
    {
        var handle = new LoadedModuleHandle(device.Context);
        nint module = PtxJit.Load(device.Context, name, ptx, out string infoLog);
        handle.Attach(module);
        return new CudaModule(device, name, handle, infoLog, ownedByDevice);
    }

    internal void Unload()
    {
        lock (gate) handle.Dispose();
    }
}
