using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeDance.Pruning.Reports;

/// <summary>
/// Writes 8-bit truecolour (RGB) PNG images: signature, IHDR, one zlib-compressed IDAT, IEND.
/// Every scanline uses the Sub filter, which turns the flat colour runs of a chart into zero runs that deflate well.
/// </summary>
internal static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const byte FilterSub = 1;
    private const int BytesPerPixel = 3;

    /// <summary>Encodes <paramref name="rgb"/> (row-major, 3 bytes per pixel, no row padding) into <paramref name="output"/>.</summary>
    public static void Write(Stream output, int width, int height, ReadOnlySpan<byte> rgb)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"PNG size must be positive, got {width}x{height}.");
        int stride = width * BytesPerPixel;
        if (rgb.Length != (long)stride * height)
            throw new ArgumentException($"Pixel buffer holds {rgb.Length} bytes, expected {width}x{height}x{BytesPerPixel} = {(long)stride * height}.");

        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method: adaptive (per-row filter byte)
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);

        WriteChunk(output, "IDAT"u8, Compress(width, height, rgb));
        WriteChunk(output, "IEND"u8, []);
    }

    private static ReadOnlySpan<byte> Compress(int width, int height, ReadOnlySpan<byte> rgb)
    {
        int stride = width * BytesPerPixel;
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + stride];
            row[0] = FilterSub;
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<byte> src = rgb.Slice(y * stride, stride);
                src[..BytesPerPixel].CopyTo(row.AsSpan(1));
                for (int i = BytesPerPixel; i < stride; i++)
                    row[1 + i] = (byte)(src[i] - src[i - BytesPerPixel]);
                zlib.Write(row);
            }
        }
        return compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(type), data));
        output.Write(word);
    }
}
