using System.Globalization;
using System.Text;
using System.Text.Json;
using NativeDance.Bench.Reporting;
using NativeDance.Data;

namespace NativeDance.Bench.Training;

/// <summary>The training benchmark's results, written as train-cpu.json and train-cpu.md with the machine and the command.</summary>
internal sealed record TrainingReport(TrainBenchOptions Options, ClipSpec Clip, int Classes, string Optimizer,
    float FirstLossOurs, float FirstLossLibTorch, IReadOnlyList<TrainingRow> Rows)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public IReadOnlyList<string> Write(string directory, string command)
    {
        var machine = MachineDescription.Current();
        Directory.CreateDirectory(directory);
        string json = Path.Combine(directory, "train-cpu.json");
        string markdown = Path.Combine(directory, "train-cpu.md");
        var document = new
        {
            Machine = new { machine.Cpu, machine.LogicalCores, machine.Os, machine.DotNet, machine.LibTorch },
            MeasuredUtc = machine.MeasuredUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            Command = command,
            Model = "tiny-c3d",
            Clip = $"{Clip.Frames}x{Clip.Height}x{Clip.Width}",
            Options.Batch,
            Classes,
            Optimizer,
            Options.Rounds,
            StepsPerRound = Options.Steps,
            WarmupSteps = Options.Warmup,
            FirstStepLoss = new { Ours = FirstLossOurs, Libtorch = FirstLossLibTorch },
            Results = Rows.Select(r => new
            {
                r.Threads,
                OursClipsPerS = Rate(r.Ours),
                LibtorchClipsPerS = Rate(r.LibTorch),
                Speedup = Math.Round(r.Speedup, 3),
                LastLoss = new { Ours = r.OursLastLoss, Libtorch = r.LibTorchLastLoss },
            }),
        };
        File.WriteAllText(json, JsonSerializer.Serialize(document, JsonOptions) + "\n");
        File.WriteAllText(markdown, Markdown(machine, command));
        return [json, markdown];
    }

    private string Markdown(MachineDescription machine, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Training throughput on the CPU: NativeDance next to libtorch").AppendLine();
        md.AppendLine($"- CPU: {machine.Cpu}, {machine.LogicalCores} logical cores; {machine.Os}");
        md.AppendLine($"- {machine.DotNet}; libtorch {machine.LibTorch} (TorchSharp-cpu)");
        md.AppendLine($"- Measured {machine.MeasuredUtc:yyyy-MM-dd HH:mm} UTC with `{command}`");
        md.AppendLine($"- tiny-c3d, {Clip.Frames}x{Clip.Height}x{Clip.Width} procedural clips (pre-rendered), batch {Options.Batch}, {Classes} classes, {Optimizer}, fp32.");
        md.AppendLine($"- One step = forward (training mode) + cross-entropy + backward + update. Per thread count: {Options.Warmup} warm-up step(s) each, then " +
            $"{Options.Rounds} rounds of {Options.Steps} steps each, alternating which side goes first; clips/s per round, median (min-max) over the rounds.");
        md.AppendLine($"- Same initial weights and data: first-step loss ours {FirstLossOurs:F6}, libtorch {FirstLossLibTorch:F6}.").AppendLine();
        md.AppendLine("| threads | ours clips/s | libtorch clips/s | ours / libtorch | last loss ours | last loss libtorch |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            md.AppendLine($"| {r.Threads} | {Format(r.Ours)} | {Format(r.LibTorch)} | {r.Speedup.ToString("0.00", CultureInfo.InvariantCulture)} | {r.OursLastLoss:F4} | {r.LibTorchLastLoss:F4} |");
        return md.ToString();
    }

    private static object Rate(Statistics s) => new { Median = Math.Round(s.Median, 2), Min = Math.Round(s.Min, 2), Max = Math.Round(s.Max, 2) };

    private static string Format(Statistics s) => string.Create(CultureInfo.InvariantCulture, $"{s.Median:F1} ({s.Min:F1}-{s.Max:F1})");
}
