using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace NativeDance.Cli.Commands;

/// <summary>
/// Option values from an optional JSON file (<c>--config run.json</c>, keys named like the options without dashes:
/// <c>{"model": "tiny-c3d", "epochs": 5}</c>). An option given on the command line wins over the file, the file over the default.
/// </summary>
internal sealed class ConfigFile
{
    private readonly Dictionary<string, JsonElement> _values;
    private readonly ParseResult _parse;

    private ConfigFile(ParseResult parse, Dictionary<string, JsonElement> values)
    {
        _parse = parse;
        _values = values;
    }

    public static ConfigFile Load(ParseResult parse, FileInfo? file)
    {
        if (file is null) return new ConfigFile(parse, []);
        if (!file.Exists) throw new FileNotFoundException($"Config file not found: {file.FullName}");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{file.FullName}: the config must be a JSON object.");
            return new ConfigFile(parse, doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.OrdinalIgnoreCase));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{file.FullName}: not valid JSON ({e.Message}).");
        }
    }

    /// <summary>The command-line value if given, else the file's, else the option's default.</summary>
    public T Get<T>(Option<T> option)
    {
        if (_parse.GetResult(option) is { Implicit: false }) return _parse.GetValue(option)!;
        string key = option.Name.TrimStart('-');
        if (!_values.TryGetValue(key, out var element)) return _parse.GetValue(option)!;
        object? value = typeof(T) switch
        {
            var t when t == typeof(string) => element.GetString(),
            var t when t == typeof(int) || t == typeof(int?) => element.GetInt32(),
            var t when t == typeof(float) => element.GetSingle(),
            var t when t == typeof(bool) => element.GetBoolean(),
            var t when t == typeof(ulong) => element.GetUInt64(),
            _ => throw new ArgumentException($"Config key '{key}' cannot be read from a file."),
        };
        return value is T typed ? typed : throw new ArgumentException($"Config key '{key}' has the value {element}, which is not a {typeof(T).Name.ToLower(CultureInfo.InvariantCulture)}.");
    }
}
