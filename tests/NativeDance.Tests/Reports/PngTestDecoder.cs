using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeDance.Tests.Reports;

/// <summary>
/// An independent PNG reader for tests: checks the signature and the CRC of every chunk (bitwise CRC, no table), parses
/// IHDR, inflates the IDAT stream and undoes all five scanline filters. Supports 8-bit RGB only, which is what we write.
/// </summary>
internal static class PngTestDecoder
{
    public sealed record Image(int Width, int Height, byte[] Rgb, IReadOnlyList<string> ChunkTypes);

    public static Image Decode(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.Equal(signature, png[..8]);
        int pos = 8, width = 0, height = 0;
        var chunkTypes = new List<string>();
        var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] data = png[(pos + 8)..(pos + 8 + length)];
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.Equal(BitwiseCrc(png.AsSpan(pos + 4, 4 + length)), crc);
            chunkTypes.Add(type);
            if (type == "IHDR")
            {
                Assert.Equal(13, length);
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
                Assert.Equal([8, 2, 0, 0, 0], data[8..]); // 8-bit truecolour, deflate, adaptive filters, no interlace
            }
            else if (type == "IDAT")
                idat.Write(data);
            pos += 12 + length;
        }
        Assert.Equal("IHDR", chunkTypes[0]);
        Assert.Equal("IEND", chunkTypes[^1]);
        Assert.Equal(png.Length, pos);

        var raw = new MemoryStream();
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
            zlib.CopyTo(raw);
        return new Image(width, height, Unfilter(raw.ToArray(), width, height), chunkTypes);
    }

    private static byte[] Unfilter(byte[] raw, int width, int height)
    {
        const int bpp = 3;
        int stride = width * bpp;
        Assert.Equal((stride + 1) * height, raw.Length);
        var rgb = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? rgb[y * stride + i - bpp] : 0;
                int b = y > 0 ? rgb[(y - 1) * stride + i] : 0;
                int c = i >= bpp && y > 0 ? rgb[(y - 1) * stride + i - bpp] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter} on row {y}."),
                };
                rgb[y * stride + i] = (byte)(raw[y * (stride + 1) + 1 + i] + predictor);
            }
        }
        return rgb;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    public static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte d in data)
        {
            crc ^= d;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
