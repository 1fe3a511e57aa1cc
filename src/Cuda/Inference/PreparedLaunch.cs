using NativeDance.Cuda.Kernels;

namespace NativeDance.Cuda.Inference;

/// <summary>One kernel launch of a compiled GPU plan, its arguments fixed at compile time (every address is known then).</summary>
internal abstract class PreparedLaunch
{
    public abstract void Issue(IKernelDevice device);

    public static PreparedLaunch Of<TArgs>(in KernelLaunch<TArgs> launch) where TArgs : unmanaged => new Typed<TArgs>(launch);

    private sealed class Typed<TArgs>(KernelLaunch<TArgs> launch) : PreparedLaunch where TArgs : unmanaged
    {
        private readonly KernelLaunch<TArgs> _launch = launch;

        public override void Issue(IKernelDevice device) => device.Launch(in _launch);
    }
}
