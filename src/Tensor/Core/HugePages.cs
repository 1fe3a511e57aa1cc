using System.Runtime.InteropServices;

namespace NativeDance.Tensors;

/// <summary>
/// Asks Linux to back large buffers with 2 MB pages (transparent huge pages, <c>madvise(MADV_HUGEPAGE)</c>; the
/// kernel's default mode honours the advice and ignores everything else). A 4 MB GEMM operand then needs 2 TLB entries
/// instead of 1024, which took about 1.6% off a single-threaded 1024^3 GEMM whose operands sat in such buffers. The
/// cost: a huge page is resident as soon as one byte of it is touched, so a pooled buffer's unused tail (capacities are
/// powers of two) may count in full. Elsewhere, or where the kernel refuses, buffers keep ordinary pages.
/// </summary>
internal static partial class HugePages
{
    /// <summary>Bytes of one huge page, and the smallest buffer worth advising: buffers this large are aligned to it.</summary>
    public const int Size = 2 << 20;

    private const int AdviseHugePage = 14;

    /// <summary>Advises the kernel to use huge pages for [<paramref name="pointer"/>, + <paramref name="bytes"/>), a region aligned to <see cref="Size"/>.</summary>
    public static void Advise(nint pointer, nuint bytes)
    {
        if (!_available) return;
        // The advice changes only how the memory is backed, never what it holds, so a refusal is not an error; nor is
        // a C library the runtime cannot bind (then no buffer is advised again).
        try
        {
            _ = madvise(pointer, bytes, AdviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _available = false;
        }
    }

    private static bool _available = OperatingSystem.IsLinux();

    [LibraryImport("libc")]
    private static partial int madvise(nint address, nuint length, int advice);
}
