namespace NativeDance.Data.Video;

/// <summary>Line-oriented reading shared by the split-file parsers: whitespace-separated fields, blank lines skipped, errors with file and line.</summary>
internal static class SplitFileReader
{
    /// <summary>The non-blank lines of <paramref name="path"/> split into fields, with their 1-based line numbers.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IEnumerable<(int Line, string[] Fields)> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Split file '{path}' does not exist.", path);
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length > 0) yield return (number, fields);
        }
    }

    /// <summary>An error that points at the offending line.</summary>
    public static InvalidDataException Error(string path, int line, string detail) => new($"{path}:{line}: {detail}");

    /// <summary>The class folder of a '/'- or '\'-separated relative path, or null when it has none.</summary>
    public static string? ClassFolder(string relativePath)
    {
        int slash = relativePath.IndexOfAny(['/', '\\']);
        return slash > 0 ? relativePath[..slash] : null;
    }
}
