using System.Text.Json;

namespace NativeDance.Tensors.Serialization;

/// <summary>
/// Parses and validates the JSON header of a safetensors file: every field, every shape and every byte range
/// is checked against the data section's size before any tensor memory is allocated.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>Headers beyond this are refused as hostile (the reference implementation uses the same bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static (List<SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(string path, ReadOnlySpan<byte> json, long dataLength)
    {
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            Expect(path, ref reader, JsonTokenType.StartObject, "the header must be a JSON object");
            while (Next(path, ref reader) != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                if (!names.Add(key)) throw Fault(path, $"the key '{key}' appears twice");
                if (key == "__metadata__") ReadMetadata(path, ref reader, metadata);
                else tensors.Add(ReadTensor(path, ref reader, key, dataLength));
            }
            if (reader.Read()) throw Fault(path, "trailing content after the header object");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"the header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw new CheckpointFormatException(path, $"the header has a value of the wrong type ({e.Message})", e);
        }
        RequireExactCover(path, tensors, dataLength);
        return (tensors, metadata);
    }

    private static void ReadMetadata(string path, ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        Expect(path, ref reader, JsonTokenType.StartObject, "__metadata__ must be an object of strings");
        while (Next(path, ref reader) != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            Expect(path, ref reader, JsonTokenType.String, $"__metadata__ value '{key}' must be a string");
            metadata[key] = reader.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string path, ref Utf8JsonReader reader, string name, long dataLength)
    {
        Expect(path, ref reader, JsonTokenType.StartObject, $"tensor '{name}' must be an object");
        string? dtype = null;
        List<long>? shape = null, offsets = null;
        while (Next(path, ref reader) != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    Expect(path, ref reader, JsonTokenType.String, $"tensor '{name}': dtype must be a string");
                    dtype = reader.GetString();
                    break;
                case "shape":
                    shape = ReadIntegers(path, ref reader, name, field);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(path, ref reader, name, field);
                    break;
                default:
                    throw Fault(path, $"tensor '{name}' has the unknown field '{field}'");
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw Fault(path, $"tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        if (!SafeTensorDTypes.TryParse(dtype, out var type))
            throw Fault(path, $"tensor '{name}' has the unsupported dtype '{dtype}'");
        if (shape.Count > Shape.MaxRank)
            throw Fault(path, $"tensor '{name}' has rank {shape.Count}, more than {Shape.MaxRank}");
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0 || d > int.MaxValue) throw Fault(path, $"tensor '{name}' has the invalid dimension {d}");
            count *= d;
            if (count > int.MaxValue) throw Fault(path, $"tensor '{name}' with shape [{string.Join(", ", shape)}] has too many elements");
        }
        if (offsets.Count != 2) throw Fault(path, $"tensor '{name}': data_offsets must hold two numbers, got {offsets.Count}");
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin || end > dataLength)
            throw Fault(path, $"tensor '{name}': data_offsets [{begin}, {end}] do not lie within the {dataLength}-byte data section (truncated file?)");
        if (end - begin != count * type.Size())
            throw Fault(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {type} needs {count * type.Size()} bytes, data_offsets give {end - begin}");
        return new SafeTensorInfo(name, type, new Shape(shape.Select(d => (int)d).ToArray()), begin, end);
    }

    private static List<long> ReadIntegers(string path, ref Utf8JsonReader reader, string name, string field)
    {
        Expect(path, ref reader, JsonTokenType.StartArray, $"tensor '{name}': {field} must be an array of integers");
        var values = new List<long>();
        while (Next(path, ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v))
                throw Fault(path, $"tensor '{name}': {field} must hold integers");
            if (values.Count == 64) throw Fault(path, $"tensor '{name}': {field} is too long");
            values.Add(v);
        }
        return values;
    }

    /// <summary>The format requires the tensors to tile the data section exactly: no overlaps, no holes.</summary>
    private static void RequireExactCover(string path, List<SafeTensorInfo> tensors, long dataLength)
    {
        long position = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < position) throw Fault(path, $"tensor '{t.Name}' overlaps another tensor at byte {t.Begin}");
            if (t.Begin > position) throw Fault(path, $"bytes [{position}, {t.Begin}) of the data section belong to no tensor");
            position = t.End;
        }
        if (position != dataLength)
            throw Fault(path, $"the data section has {dataLength} bytes but the tensors cover {position}");
    }

    private static JsonTokenType Next(string path, ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw Fault(path, "the header ends early");
        return reader.TokenType;
    }

    private static void Expect(string path, ref Utf8JsonReader reader, JsonTokenType type, string fault)
    {
        if (Next(path, ref reader) != type) throw Fault(path, fault);
    }

    private static CheckpointFormatException Fault(string path, string fault) => new(path, fault);
}
