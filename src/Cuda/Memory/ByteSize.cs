namespace NativeDance.Cuda.Memory;

/// <summary>Byte counts as people read them in messages: "512 B", "3.00 MiB", "79.6 GiB".</summary>
internal static class ByteSize
{
    public static string Format(long bytes) => bytes switch
    {
        < 1L << 10 => $"{bytes} B",
        < 1L << 20 => $"{bytes / 1024.0:F2} KiB",
        < 1L << 30 => $"{bytes / (1024.0 * 1024):F2} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB",
    };
}
