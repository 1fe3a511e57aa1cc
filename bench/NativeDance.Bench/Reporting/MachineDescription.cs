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

    internal static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        string? line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
