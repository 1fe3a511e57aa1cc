using System.Runtime.InteropServices;

namespace NativeDance.Peers.Elf;

/// <summary>Finds the file the dynamic loader binds for a soname, the way it would for a library in a given folder.</summary>
internal static partial class InstalledLibraries
{
    private const int RtldDiLinkmap = 2;

    /// <summary>
    /// The path of <paramref name="soname"/> as a library in <paramref name="requesterFolder"/> would get it:
    /// a copy beside the requester wins (the shims carry RUNPATH $ORIGIN), otherwise whatever dlopen resolves.
    /// </summary>
    public static string Resolve(string soname, string requesterFolder)
    {
        string beside = Path.Combine(requesterFolder, soname);
        if (File.Exists(beside)) return beside;
        if (!NativeLibrary.TryLoad(soname, out nint handle))
            throw new DllNotFoundException($"The dynamic loader cannot find {soname}, which the library in {requesterFolder} needs.");
        try
        {
            // struct link_map { ElfW(Addr) l_addr; char *l_name; ... }: l_name is the path the loader opened.
            if (DlInfo(handle, RtldDiLinkmap, out nint linkMap) != 0)
                throw new InvalidOperationException($"dlinfo failed for {soname}.");
            return Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(linkMap, IntPtr.Size))
                ?? throw new InvalidOperationException($"The loader reports no path for {soname}.");
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "dlinfo")]
    private static partial int DlInfo(nint handle, int request, out nint info);
}
