using System.CommandLine;
using NativeDance.Cuda;
using NativeDance.Cuda.Nvml;

namespace NativeDance.Cli.Commands;

/// <summary>
/// <c>dance gpu</c>: the NVIDIA GPUs this process can use (name, compute capability, SMs, memory, driver, live power
/// from NVML), or the one line saying why there is none, with exit code 1.
/// </summary>
internal static class GpuCommand
{
    public static Command Create()
    {
        var command = new Command("gpu", "List the NVIDIA GPUs the CUDA backend can use, or say why there is none.") { GpuBenchCommand.Create() };
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        if (CudaDriver.UnavailableReason is { } reason)
        {
            Console.Error.WriteLine($"dance: {reason}");
            return 1;
        }
        Console.WriteLine($"CUDA driver {CudaDriver.FormatVersion(CudaDriver.Version)} (NativeDance's PTX needs {CudaDriver.FormatVersion(CudaDriver.RequiredVersion)} or later)");
        bool nvmlOpen = NvmlSession.TryOpen(out var nvml, out string nvmlReason);
        try
        {
            for (int ordinal = 0; ordinal < CudaDriver.DeviceCount; ordinal++)
            {
                if (!CudaDevice.TryOpen(ordinal, out var device, out string why))
                {
                    Console.WriteLine($"GPU {ordinal}: {why}");
                    continue;
                }
                using (device)
                {
                    Console.WriteLine($"GPU {ordinal}: {device.Name}, compute {device.ComputeCapability}, {device.MultiprocessorCount} SMs, " +
                        $"{device.TotalMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, PCI {device.PciBusId}{Power(nvml, device)}");
                }
            }
        }
        finally
        {
            nvml?.Dispose();
        }
        if (!nvmlOpen) Console.WriteLine(nvmlReason);
        return 0;
    }

    private static string Power(NvmlSession? nvml, CudaDevice device)
    {
        if (nvml is null) return "";
        try
        {
            return $", drawing {nvml.DeviceFor(device).ReadPowerMilliwatts() / 1000.0:F1} W";
        }
        catch (NvmlException e)
        {
            return $", power unavailable ({e.Description})";
        }
    }
}
