using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NativeDance.Peers.Elf;

/// <summary>
/// Makes TorchSharp-cpu 0.107.0's native shim loadable on systems with an older libstdc++ (Debian 12 stops at
/// GLIBCXX_3.4.30). The shim, built with GCC 13, records a requirement on GLIBCXX_3.4.32 for a single symbol
/// (std::ios_base_library_init) that no relocation uses, so nothing is ever bound to that version; the loader
/// still refuses a library whose non-weak version requirement it cannot meet.
/// <para>
/// The fix marks such requirements VER_FLG_WEAK in .gnu.version_r of the BUILD OUTPUT's copy of the shim (never
/// the NuGet cache: only files under the application's base folder are considered, and the file is replaced by
/// rename, so even a hard link into the cache keeps its old content). A missing weak version is not an error for
/// glibc's loader. Before patching, every dynamic relocation is checked: if one binds a symbol of a missing version,
/// the shim would fail at the first call instead, so the fix refuses with an explanation.
/// </para>
/// <para>
/// It runs at run time, once before TorchSharp is first touched (see <see cref="Torch.LibTorch"/>), rather than as
/// an MSBuild step: every build copies the package's original back over a patched file (their timestamps differ),
/// while a patch at load time is idempotent, needs no task assembly, and holds however the output was produced.
/// Concurrent processes write identical bytes.
/// </para>
/// </summary>
internal static class LibTorchSharpLoaderFix
{
    private const string ShimName = "libLibTorchSharp.so";

    /// <summary>Patches the shim if needed; returns the requirements made weak ("file: version"), empty when none were needed.</summary>
    public static IReadOnlyList<string> Apply()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return [];
        string shim = LocateShim();
        var image = Elf64Image.Read(shim);
        var unmet = UnmetRequirements(image, Path.GetDirectoryName(shim)!);
        if (unmet.Count == 0) return [];

        MakeWeak(image, unmet);
        ReplaceAtomically(shim, image.Bytes);
        return unmet.Select(n => $"{n.File}: {n.Version}").ToArray();
    }

    /// <summary>Sets VER_FLG_WEAK on <paramref name="needs"/> in the image's bytes, refusing if a relocation binds one of them.</summary>
    internal static void MakeWeak(Elf64Image image, IReadOnlyList<VersionNeed> needs)
    {
        var bound = image.VersionIndicesBoundByRelocations();
        foreach (var need in needs)
        {
            if (bound.Contains(need.Index))
                throw new InvalidOperationException(
                    $"{image.Path} needs {need.Version} from {need.File}, which the installed {need.File} lacks, and a relocation binds a symbol " +
                    "of that version, so the requirement cannot be made weak: install a newer libstdc++ (GCC 13 or later) to run the libtorch peer.");
        }
        foreach (var need in needs)
            BinaryPrimitives.WriteUInt16LittleEndian(image.Bytes.AsSpan(need.FlagsOffset, 2), (ushort)(need.Flags | VersionNeed.WeakFlag));
    }

    /// <summary>The non-weak requirements that the libraries the loader would bind do not define.</summary>
    internal static List<VersionNeed> UnmetRequirements(Elf64Image image, string folder)
    {
        var defined = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var unmet = new List<VersionNeed>();
        foreach (var need in image.VersionNeeds())
        {
            if (need.IsWeak) continue;
            if (!defined.TryGetValue(need.File, out var versions))
                defined[need.File] = versions = Elf64Image.Read(InstalledLibraries.Resolve(need.File, folder)).VersionDefinitions();
            if (!versions.Contains(need.Version)) unmet.Add(need);
        }
        return unmet;
    }

    /// <summary>The shim in the build output: where the deps.json of a portable build or a RID-specific build puts it.</summary>
    internal static string LocateShim()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", ShimName),
            Path.Combine(AppContext.BaseDirectory, ShimName),
        ];
        return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"{ShimName} is not in the build output ({string.Join(", ", candidates)}); reference the TorchSharp-cpu package from the executable project.");
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void ReplaceAtomically(string path, byte[] bytes)
    {
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        File.Move(temp, path, overwrite: true);
    }
}
