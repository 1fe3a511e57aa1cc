using System.Runtime.InteropServices;
using System.Text;

namespace NativeDance.Cuda.Driver;

/// <summary>Conversions between .NET strings and the NUL-terminated UTF-8 text the driver libraries take and return.</summary>
internal static class NativeText
{
    /// <summary>The NUL-terminated UTF-8 string at <paramref name="text"/> (empty for a null pointer).</summary>
    public static unsafe string Read(byte* text) => text == null ? "" : Marshal.PtrToStringUTF8((nint)text) ?? "";

    /// <summary>The text in <paramref name="buffer"/> up to its first NUL (all of it when there is none), trimmed.</summary>
    public static string Read(ReadOnlySpan<byte> buffer)
    {
        int end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]).Trim();
    }

    /// <summary><paramref name="text"/> as UTF-8 followed by a NUL, as the driver expects names and PTX images.</summary>
    public static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
