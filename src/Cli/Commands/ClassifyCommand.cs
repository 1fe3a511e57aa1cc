using System.CommandLine;
using NativeDance.Runtime;
using NativeDance.Tensors.Threading;

namespace NativeDance.Cli.Commands;

/// <summary><c>dance classify</c>: the class of a video file, through the embedding API (<see cref="VideoClassifier"/>).</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var video = new Argument<string>("video") { Description = "Video file to classify (decoded with ffmpeg)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Model checkpoint written by dance train", Required = true };
        var controller = new Option<string?>("--controller") { Description = "DANCE controller written by dance aap: run gated" };
        var budget = new Option<float?>("--budget") { Description = "Share of the dense conv MACs to aim for, in (0, 1]; default: the controller's calibration" };
        var device = new Option<ComputeDevice>("--device") { Description = "cpu, gpu or auto", DefaultValueFactory = _ => ComputeDevice.Auto };
        var threads = new Option<int>("--threads") { Description = "Compute threads (default: all processors)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("classify", "Classify a video file with a trained model and, optionally, its DANCE controller.") { video };
        foreach (var o in new Option[] { checkpoint, controller, budget, device, threads }) command.Options.Add(o);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            ParallelFor.Threads = parse.GetValue(threads);
            string path = parse.GetValue(video)!;
            using var classifier = VideoClassifier.Load(parse.GetValue(checkpoint)!, parse.GetValue(controller),
                new ClassifierOptions { Budget = parse.GetValue(budget), Device = parse.GetValue(device), MaxConcurrency = 1 });
            var result = classifier.ClassifyVideo(path);
            Console.WriteLine($"{path}: {result.Name} ({result.Confidence:P1}); {classifier.Architecture} on {classifier.Device}, " +
                $"{(classifier.IsGated ? $"DANCE scale {classifier.Scale:F2}" : "dense")}, {result.MacRatio:P1} of the dense conv MACs kept by the masks, {result.ExecutedMacRatio:P1} executed");
        }));
        return command;
    }
}
