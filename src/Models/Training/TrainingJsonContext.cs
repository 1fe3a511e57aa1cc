using System.Text.Json.Serialization;

namespace NativeDance.Models.Training;

/// <summary>Source-generated JSON for training records (trimming and Native AOT safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(EpochSummary))]
internal sealed partial class TrainingJsonContext : JsonSerializerContext;
