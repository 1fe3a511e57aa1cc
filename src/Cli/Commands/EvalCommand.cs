using System.CommandLine;
using NativeDance.Data;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;
using NativeDance.Pruning.Dance;

namespace NativeDance.Cli.Commands;

/// <summary>
/// <c>dance eval</c>: top-1 accuracy and the confusion matrix of a trained checkpoint on a split; with a DANCE controller,
/// also the gated accuracy, the executed-MAC ratio and what every gate kept.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var checkpoint = new Option<string>("--checkpoint") { Description = "Model checkpoint written by dance train", Required = true };
        var split = new Option<string>("--split") { Description = "test or validation", DefaultValueFactory = _ => "test" };
        var controllerPath = new Option<string?>("--controller") { Description = "DANCE controller written by dance aap or dance demo: also evaluate gated inference" };
        var scale = new Option<float?>("--scale") { Description = "Calibration scale to use instead of the controller's own" };
        var command = new Command("eval", "Evaluate a trained model: top-1 accuracy and confusion matrix, and DANCE-gated with --controller.");
        run.AddTo(command);
        foreach (var o in new Option[] { checkpoint, split, controllerPath, scale }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var c = ConfigFile.Load(parse, parse.GetValue(run.Config));
            using var context = new RunContext(run, c);
            var (model, spec) = RunContext.LoadModel(c.Get(checkpoint));
            var which = c.Get(split) switch
            {
                "test" => DatasetSplit.Test,
                "validation" => DatasetSplit.Validation,
                var s => throw new ArgumentException($"--split must be test or validation, got '{s}'."),
            };
            var data = context.Open(which, spec);
            if (data.ClassNames.Count != spec.Classes)
                throw new ArgumentException($"The checkpoint classifies {spec.Classes} classes but {data.Name} has {data.ClassNames.Count}.");
            var loader = context.Loader(data, training: false, spec.Size);
            var result = Evaluator.Evaluate(model, loader, spec.Classes, cancel);
            Console.WriteLine($"{spec.Architecture} on {data.Name} {which.ToString().ToLowerInvariant()}: top-1 {result.Accuracy:P2} over {result.Clips} clips");
            PrintConfusion(result.Confusion, data.ClassNames);
            if (c.Get(controllerPath) is { } path) EvaluateGated(model, spec.Architecture, path, c.Get(scale), loader);
        })));
        return command;
    }

    private static void EvaluateGated(Module model, string architecture, string path, float? scale, NativeDance.Data.Loading.ClipLoader loader)
    {
        if (scale is { } s && !(s > 0)) throw new ArgumentException($"--scale must be positive, got {s}.");
        var network = (IGatedNetwork)model;
        var (controller, calibrated) = ControllerCheckpoint.Load(path, architecture, network);
        var gated = new GatedForward(model, controller) { Scale = scale ?? calibrated };
        var e = GatedEvaluation.Measure(gated, loader);
        Console.WriteLine($"DANCE (scale {gated.Scale:F2}): top-1 {e.Accuracy:P2} at {e.MeanMacRatio:F3} of the dense conv MACs ({1 - e.MeanMacRatio:P1} removed)");
        GateTable.Print(network, e);
    }

    private static void PrintConfusion(int[,] confusion, IReadOnlyList<string> names)
    {
        int n = names.Count;
        int label = Math.Min(14, names.Max(s => s.Length));
        Console.WriteLine($"confusion (rows: label, columns: predicted)");
        Console.WriteLine(new string(' ', label + 1) + string.Concat(Enumerable.Range(0, n).Select(j => $"{j,5}")));
        for (int i = 0; i < n; i++)
        {
            string name = names[i].Length > label ? names[i][..label] : names[i];
            Console.WriteLine($"{name.PadRight(label)} " + string.Concat(Enumerable.Range(0, n).Select(j => $"{confusion[i, j],5}")));
        }
    }
}
