using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeDance.Tests.Data;

/// <summary>Writes IDX files (optionally gzipped) for tests, including deliberately malformed ones.</summary>
internal static class IdxWriter
{
    public static byte[] Encode(int[] dims, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
    }

    /// <summary>
    /// Writes a tiny Fashion-MNIST-shaped set: <paramref name="count"/> images of rows x cols whose pixels identify the
    /// image (a bright block at an image-specific place), labels i mod 10.
    /// </summary>
    public static (byte[] Pixels, byte[] Labels) WriteFashionSet(string directory, string prefix, int count, int rows, int cols, bool gzip)
    {
        var pixels = new byte[count * rows * cols];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int y = 0; y < rows; y++)
            {
                for (int x = 0; x < cols; x++)
                    pixels[(i * rows + y) * cols + x] = (byte)((x + y + i) % 7 == 0 ? 0 : 40 + (i * 13 + y * 5 + x * 3) % 200);
            }
        }
        string ext = gzip ? ".gz" : "";
        Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{ext}"), Encode([count, rows, cols], pixels), gzip);
        Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{ext}"), Encode([count], labels), gzip);
        return (pixels, labels);
    }
}
