using System.CommandLine;
using System.Text.Json;
using NativeDance.Cli.Benchmarks;
using NativeDance.Cuda;
using NativeDance.Cuda.Nvml;

namespace NativeDance.Cli.Commands;

/// <summary>
/// <c>dance gpu bench</c>: our GPU timings for scripts/gpu-check.sh (<see cref="GpuBenchmark"/>), as JSON rows the
/// PyTorch script completes with cuDNN's. Without a GPU: one line saying why, exit code 1.
/// </summary>
internal static class GpuBenchCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "JSON file for the rows", DefaultValueFactory = _ => new FileInfo("gpu-bench-ours.json") };
        var rounds = new Option<int>("--rounds") { Description = "Timed launches per conv and least clips per model", DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "Frame height and width of the end-to-end models (16 frames)", DefaultValueFactory = _ => 112 };
        var modelSeconds = new Option<double>("--model-seconds")
        {
            Description = "Least seconds each model runs, so NVML's energy counter (steps of tens of milliseconds) resolves a clip; 0 under compute-sanitizer",
            DefaultValueFactory = _ => 2,
        };
        var modelsOnly = new Option<bool>("--models-only") { Description = "Skip the conv layers (a short representative inference, e.g. under compute-sanitizer)" };
        var command = new Command("bench", "Time our conv kernels and the GPU inference plan (dense and gated) with CUDA events, for scripts/gpu-check.sh.")
        {
            output, rounds, size, modelSeconds, modelsOnly,
        };
        command.SetAction(parse =>
        {
            try
            {
                return CliErrors.Guard(() => Run(parse.GetValue(output)!, Math.Max(1, parse.GetValue(rounds)), parse.GetValue(size), TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(modelSeconds))), parse.GetValue(modelsOnly)));
            }
            catch (CudaUnavailableException e)
            {
                Console.Error.WriteLine($"dance: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void Run(FileInfo output, int rounds, int size, TimeSpan modelSpan, bool modelsOnly)
    {
        using var device = CudaDevice.Open();
        NvmlSession.TryOpen(out var nvml, out string nvmlReason);
        using (nvml)
        {
            Console.WriteLine($"{device}; driver {CudaDriver.FormatVersion(device.DriverVersion)}{(nvml is null ? $"; no energy figures: {nvmlReason}" : "")}");
            var benchmark = new GpuBenchmark(device, nvml?.DeviceFor(device), rounds, modelSpan, Console.Out);
            using var stream = output.Create();
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("gpu", device.Name);
            json.WriteStartArray("rows");
            if (!modelsOnly) benchmark.Layers(json);
            benchmark.Models(json, size);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        Console.WriteLine($"wrote {output.FullName}");
    }
}
