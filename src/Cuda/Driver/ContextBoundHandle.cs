using System.Runtime.InteropServices;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// Owns one driver object created in a primary context (stream, event, module, pinned host block, device block).
/// While attached it holds a reference on the <see cref="PrimaryContext"/>, so the context outlives it; releasing
/// binds the context on whatever thread runs the release (the finaliser's, as a safety net) and never throws.
/// </summary>
internal abstract class ContextBoundHandle : SafeHandle
{
    protected ContextBoundHandle(PrimaryContext context) : base(0, ownsHandle: true) => Context = context;

    /// <summary>The context the object lives in.</summary>
    public PrimaryContext Context { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>Takes ownership of <paramref name="native"/>, just created by the driver, and references the context.</summary>
    public void Attach(nint native)
    {
        bool referenced = false;
        Context.DangerousAddRef(ref referenced);
        SetHandle(native);
    }

    /// <summary>The native handle (valid while this is not closed).</summary>
    public nint Native => handle;

    /// <summary>Frees the native object; returns false instead of throwing.</summary>
    protected abstract bool Free(nint native);

    /// <inheritdoc />
    protected sealed override bool ReleaseHandle()
    {
        try
        {
            return Context.TryBind() && Free(handle);
        }
        finally
        {
            Context.DangerousRelease();
        }
    }
}

/// <summary>Owns a <c>CUstream</c>.</summary>
internal sealed class StreamHandle(PrimaryContext context) : ContextBoundHandle(context)
{
    protected override bool Free(nint native) => cuStreamDestroy_v2(native) == CudaResult.Success;
}

/// <summary>Owns a <c>CUevent</c>.</summary>
internal sealed class EventHandle(PrimaryContext context) : ContextBoundHandle(context)
{
    protected override bool Free(nint native) => cuEventDestroy_v2(native) == CudaResult.Success;
}

/// <summary>Owns a <c>CUmodule</c>.</summary>
internal sealed class LoadedModuleHandle(PrimaryContext context) : ContextBoundHandle(context)
{
    protected override bool Free(nint native) => cuModuleUnload(native) == CudaResult.Success;
}

/// <summary>Owns a page-locked host block from cuMemAllocHost.</summary>
internal sealed class HostMemoryHandle(PrimaryContext context) : ContextBoundHandle(context)
{
    protected override unsafe bool Free(nint native) => cuMemFreeHost((void*)native) == CudaResult.Success;
}
