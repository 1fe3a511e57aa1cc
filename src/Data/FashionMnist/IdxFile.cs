using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeDance.Data.FashionMnist;

/// <summary>
/// Reads IDX files (the MNIST family's format), plain or gzip-compressed. Layout: two zero bytes, a type code, the
/// number of dimensions, then one big-endian int32 per dimension and the elements. Only unsigned bytes (type 0x08)
/// are supported, which is what image and label files use. Every field is checked and the data must be exactly as
/// long as the dimensions say; a violation throws <see cref="InvalidDataException"/> naming the file.
/// </summary>
/// <example><code>var images = IdxFile.Read("train-images-idx3-ubyte.gz"); // Dimensions [60000, 28, 28]</code></example>
public static class IdxFile
{
    private const byte UnsignedByteType = 0x08;
    private const int MaxDimensions = 8;
    private const int GrowthStep = 1 << 20;

    /// <summary>Reads the IDX file at <paramref name="path"/>; gzip input (magic 1F 8B) is decompressed on the fly.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed unsigned-byte IDX file.</exception>
    public static IdxArray Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            return Read(gzip, path, knownLength: null);
        }
        return Read(file, path, file.Length);
    }

    /// <summary>Reads an uncompressed IDX stream; <paramref name="name"/> labels errors, <paramref name="knownLength"/> (if any) is checked before allocating.</summary>
    internal static IdxArray Read(Stream stream, string name, long? knownLength)
    {
        try
        {
            Span<byte> header = stackalloc byte[4];
            ReadHeaderField(stream, header, name, "magic number");
            if (header[0] != 0 || header[1] != 0)
                throw Invalid(name, $"not an IDX file: magic number starts with 0x{header[0]:X2}{header[1]:X2}, expected 0x0000");
            if (header[2] != UnsignedByteType)
                throw Invalid(name, $"element type 0x{header[2]:X2} ({TypeName(header[2])}) is not supported; only unsigned bytes (0x08) are");
            int rank = header[3];
            if (rank is 0 or > MaxDimensions)
                throw Invalid(name, $"{rank} dimensions; expected 1 to {MaxDimensions}");

            var dims = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                ReadHeaderField(stream, header, name, $"dimension {d}");
                int size = BinaryPrimitives.ReadInt32BigEndian(header);
                if (size <= 0) throw Invalid(name, $"dimension {d} has size {size}; sizes must be positive");
                dims[d] = size;
                elements *= size;
                if (elements > Array.MaxLength)
                    throw Invalid(name, $"dimensions [{string.Join(", ", dims[..(d + 1)])}] hold more than {Array.MaxLength} elements");
            }

            long headerBytes = 4 + 4L * rank;
            if (knownLength is long length && length - headerBytes != elements)
                throw Invalid(name, $"dimensions [{string.Join(", ", dims)}] need {elements} data bytes but the file holds {length - headerBytes}");
            return new IdxArray(dims, ReadData(stream, (int)elements, name, dims));
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            // GZipStream reports corrupt compressed data without saying which file.
            throw Invalid(name, e.Message, e);
        }
    }

    private static void ReadHeaderField(Stream stream, Span<byte> field, string name, string what)
    {
        if (stream.ReadAtLeast(field, field.Length, throwOnEndOfStream: false) != field.Length)
            throw Invalid(name, $"file ends inside the header ({what})");
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes and checks nothing follows. The buffer grows as data arrives, so a
    /// compressed file whose header claims gigabytes cannot make us allocate them up front.</summary>
    private static byte[] ReadData(Stream stream, int count, string name, int[] dims)
    {
        var data = new byte[Math.Min(count, GrowthStep)];
        int filled = 0;
        while (true)
        {
            int read = stream.Read(data, filled, data.Length - filled);
            if (read == 0) break;
            filled += read;
            if (filled == data.Length)
            {
                if (filled == count) break;
                Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            }
        }
        if (filled < count)
            throw Invalid(name, $"truncated: dimensions [{string.Join(", ", dims)}] need {count} data bytes but only {filled} are present");
        if (stream.ReadByte() >= 0)
            throw Invalid(name, $"unexpected bytes after the {count} data bytes of dimensions [{string.Join(", ", dims)}]");
        return data;
    }

    private static string TypeName(byte code) => code switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown",
    };

    private static InvalidDataException Invalid(string name, string detail, Exception? inner = null) =>
        new($"{name}: {detail.TrimEnd('.')}.", inner);
}
