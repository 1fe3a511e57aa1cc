using System.Runtime.InteropServices;
using NativeDance.Peers.Onnx;
using NativeDance.Peers.Torch;

namespace NativeDance.Bench.Reporting;

/// <summary>What the numbers were measured on and with.</summary>
internal sealed record MachineDescription(string Cpu, int LogicalCores, string Os, string DotNet, string LibTorch, string OnnxRuntime, DateTime MeasuredUtc)
{
    public static MachineDescription Current() => new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Peers.Torch.LibTorch.Version,
        OrtConv3d.Version,
        DateTime.UtcNow);

    /// <summary>
    /// The machine's load as " (load average a, b, c over 1, 5, 15 minutes)" where the OS says, else empty: a shared
    /// machine makes medians noisy, minima less so.
    /// </summary>
    public static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return "";
        var fields = File.ReadAllText(path).Split(' ');
        return fields.Length >= 3 ? $" (load average {fields[0]}, {fields[1]}, {fields[2]} over 1, 5, 15 minutes)" : "";
    }

    internal static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        string? line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
