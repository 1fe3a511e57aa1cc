using System.CommandLine;
using NativeDance.Data;
using NativeDance.Models.Training;

namespace NativeDance.Cli.Commands;

/// <summary><c>dance eval</c>: top-1 accuracy and the confusion matrix of a trained checkpoint on a split.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var checkpoint = new Option<string>("--checkpoint") { Description = "Model checkpoint written by dance train", Required = true };
        var split = new Option<string>("--split") { Description = "test or validation", DefaultValueFactory = _ => "test" };
        var command = new Command("eval", "Evaluate a trained model: top-1 accuracy and confusion matrix.");
        run.AddTo(command);
        command.Options.Add(checkpoint);
        command.Options.Add(split);
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
        })));
        return command;
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
