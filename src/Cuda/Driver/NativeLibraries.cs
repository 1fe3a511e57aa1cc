using System.Reflection;
using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// Finds the NVIDIA driver libraries. The bindings import the logical names <see cref="Cuda"/> and <see cref="Nvml"/>;
/// one resolver maps them to the handle loaded here, trying the platform's file names in order. Nothing is loaded
/// until a GPU path asks, so the assembly loads, and every CPU path runs, on machines without a driver.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Logical library name of the CUDA driver API in <c>[LibraryImport]</c>.</summary>
    public const string Cuda = "nativedance-cuda-driver";

    /// <summary>Logical library name of NVML in <c>[LibraryImport]</c>.</summary>
    public const string Nvml = "nativedance-nvml";

    private static int resolverRegistered;

    /// <summary>Installs the assembly's one import resolver (idempotent). The bindings' static constructors call it,
    /// so it is in place before their first native call.</summary>
    public static void RegisterResolver()
    {
        if (Interlocked.Exchange(ref resolverRegistered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
    }

    /// <summary>
    /// File names of the CUDA driver, most specific first: driver-only Linux hosts have <c>libcuda.so.1</c> but not the
    /// unversioned development link <c>libcuda.so</c>.
    /// </summary>
    public static IReadOnlyList<string> CudaCandidates { get; } =
        OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];

    /// <summary>File names of NVML, most specific first.</summary>
    public static IReadOnlyList<string> NvmlCandidates { get; } =
        OperatingSystem.IsWindows() ? ["nvml.dll"] : ["libnvidia-ml.so.1", "libnvidia-ml.so"];

    private static readonly Lazy<LoadResult> CudaLibrary = new(() => Load(CudaCandidates));
    private static readonly Lazy<LoadResult> NvmlLibrary = new(() => Load(NvmlCandidates));

    /// <summary>Loads the CUDA driver once (no exception where it is absent: check <see cref="LoadResult.IsLoaded"/>).</summary>
    public static LoadResult LoadCuda() => CudaLibrary.Value;

    /// <summary>Loads NVML once (no exception where it is absent: check <see cref="LoadResult.IsLoaded"/>).</summary>
    public static LoadResult LoadNvml() => NvmlLibrary.Value;

    /// <summary>True once the CUDA driver has been loaded (never loads it).</summary>
    public static bool IsCudaLoaded => CudaLibrary.IsValueCreated && CudaLibrary.Value.Handle != 0;

    /// <summary>Loads the first of <paramref name="candidates"/> that loads; handle 0 when none does.</summary>
    internal static LoadResult Load(IReadOnlyList<string> candidates)
    {
        RegisterResolver();
        foreach (string name in candidates)
            if (NativeLibrary.TryLoad(name, out nint handle))
                return new LoadResult(handle, name);
        return new LoadResult(0, candidates[0]);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        Cuda => CudaLibrary.Value.Handle,
        Nvml => NvmlLibrary.Value.Handle,
        _ => 0,
    };

    /// <summary>A loaded library's handle (0 when none of the candidates loaded) and the file name it was loaded by
    /// (the first candidate when none loaded, for messages).</summary>
    internal readonly record struct LoadResult(nint Handle, string Name)
    {
        /// <summary>True when one of the candidates loaded.</summary>
        public bool IsLoaded => Handle != 0;
    }
}
