using NativeDance.Cuda;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Cli.Commands;

/// <summary>Turns the expected failures of a command (bad arguments, missing or unreadable files, no usable GPU) into one clear line and exit code 2.</summary>
internal static class CliErrors
{
    public static int Guard(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException or CheckpointFormatException or CudaUnavailableException)
        {
            Console.Error.WriteLine($"dance: {e.Message}");
            return 2;
        }
    }
}
