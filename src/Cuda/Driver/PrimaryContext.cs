using System.Runtime.InteropServices;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// One retain of a device's primary context (the context every CUDA library in the process shares for that device).
/// Contexts are current per CPU thread, so every driver call is preceded by <see cref="Bind"/>: pooled threads and the
/// finaliser thread may run any call. Objects created in the context hold a reference on this handle
/// (<see cref="ContextBoundHandle"/>), so the retain is released only after the last of them is freed.
/// </summary>
internal sealed class PrimaryContext : SafeHandle
{
    private PrimaryContext(int device) : base(0, ownsHandle: true) => Device = device;

    /// <summary>The <c>CUdevice</c> whose primary context this is.</summary>
    public int Device { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>Retains <paramref name="device"/>'s primary context (creating it if no one holds it).</summary>
    public static unsafe PrimaryContext Retain(int device)
    {
        var context = new PrimaryContext(device);
        nint raw;
        CudaCheck.Ok(cuDevicePrimaryCtxRetain(&raw, device));
        context.SetHandle(raw);
        return context;
    }

    /// <summary>Makes the context current on the calling thread.</summary>
    public void Bind() => CudaCheck.Ok(cuCtxSetCurrent(handle));

    /// <summary>Makes the context current without throwing (for release paths); true on success.</summary>
    public bool TryBind() => cuCtxSetCurrent(handle) == CudaResult.Success;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => cuDevicePrimaryCtxRelease_v2(Device) == CudaResult.Success;
}
