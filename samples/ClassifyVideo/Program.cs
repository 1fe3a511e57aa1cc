using NativeDance.Runtime;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Samples.ClassifyVideo;

/// <summary>
/// Classifies a video file with a model trained by <c>dance train</c> and, optionally, its DANCE controller from
/// <c>dance aap</c>: <c>ClassifyVideo model.safetensors [controller.safetensors] video.mp4</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The sample, writing to the given streams; returns the exit code (2 for bad arguments or files).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length is not (2 or 3))
        {
            error.WriteLine("usage: ClassifyVideo <model.safetensors> [controller.safetensors] <video>");
            return 2;
        }
        string model = args[0], video = args[^1];
        string? controller = args.Length == 3 ? args[1] : null;
        try
        {
            using var classifier = VideoClassifier.Load(model, controller, new ClassifierOptions { Device = ComputeDevice.Auto });
            var result = classifier.ClassifyVideo(video);
            output.WriteLine($"{Path.GetFileName(video)}: {result.Name} ({result.Confidence:P1}), {classifier.Architecture} on {classifier.Device}, " +
                $"{result.MacRatio:P1} of the dense conv MACs kept by the masks, {result.ExecutedMacRatio:P1} executed");
            return 0;
        }
        catch (Exception e) when (e is IOException or ArgumentException or CheckpointFormatException or NativeDance.Cuda.CudaUnavailableException)
        {
            error.WriteLine($"ClassifyVideo: {e.Message}");
            return 2;
        }
    }
}
