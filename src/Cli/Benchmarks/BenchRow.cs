using System.Text.Json.Serialization;

namespace NativeDance.Cli.Benchmarks;

/// <summary>One measurement as written to <c>--json</c>.</summary>
internal sealed record BenchRow(
    [property: JsonPropertyName("layer")] string Layer,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("pass")] string Pass,
    [property: JsonPropertyName("ours_ms")] double OursMs,
    [property: JsonPropertyName("ours_min_ms")] double OursMinMs,
    [property: JsonPropertyName("gflops")] double Gflops);

/// <summary>Source-generated JSON metadata, so the CLI serialises without reflection (trimming and Native AOT safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<BenchRow>))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
