namespace NativeDance.Cuda.Kernels;

/// <summary>
/// One launch of a PTX entry as its host side prepares it: which module and entry to run, the launch shape, and the
/// argument struct whose fields are the entry's .param list in order (the byte image the driver copies).
/// </summary>
/// <typeparam name="TArgs">A blittable, sequential struct mirroring the entry's parameters.</typeparam>
/// <param name="Module">The module's name in <see cref="PtxSources"/> (cuda-kernels/&lt;module&gt;.ptx).</param>
/// <param name="Entry">The .entry name.</param>
/// <param name="Shape">Grid, block and dynamic shared memory.</param>
/// <param name="Arguments">The parameter values.</param>
internal readonly record struct KernelLaunch<TArgs>(string Module, string Entry, LaunchShape Shape, TArgs Arguments) where TArgs : unmanaged;
