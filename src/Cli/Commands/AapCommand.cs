using System.CommandLine;
using System.Globalization;
using NativeDance.Data;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;
using NativeDance.Pruning.Dance;

namespace NativeDance.Cli.Commands;

/// <summary><c>dance aap</c>: trains the DANCE controller for a MAC budget on a frozen (AVA) backbone and calibrates it (METHOD.md step 2).</summary>
internal static class AapCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var checkpoint = new Option<string>("--checkpoint") { Description = "Backbone (AVA) model written by dance ava or dance train", Required = true };
        var budget = new Option<float>("--budget") { Description = "Target executed-MAC ratio B in (0, 1]", DefaultValueFactory = _ => 0.4f };
        var epochs = new Option<int>("--epochs") { Description = "Controller training epochs", DefaultValueFactory = _ => 2 };
        var lr = new Option<float>("--lr") { Description = "Controller learning rate (AdamW)", DefaultValueFactory = _ => 1e-3f };
        var penalty = new Option<float>("--mac-penalty") { Description = "Weight of the budget penalty (lambda_mac)", DefaultValueFactory = _ => 20f };
        var maxLoss = new Option<float>("--max-loss") { Description = "Calibration: accuracy loss allowed on the validation split, in points", DefaultValueFactory = _ => 0.5f };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "runs/aap" };
        var command = new Command("aap", "Train and calibrate the DANCE controller that prunes frames, channels and features per clip.");
        run.AddTo(command);
        foreach (var o in new Option[] { checkpoint, budget, epochs, lr, penalty, maxLoss, output }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var c = ConfigFile.Load(parse, parse.GetValue(run.Config));
            float b = c.Get(budget);
            if (!(b > 0 && b <= 1)) throw new ArgumentException($"--budget must lie in (0, 1], got {b}.");
            using var context = new RunContext(run, c);
            var (backbone, spec) = RunContext.LoadModel(c.Get(checkpoint));
            var gated = (IGatedNetwork)backbone;
            var trainLoader = context.Loader(context.Open(DatasetSplit.Train, spec), training: true, spec.Size);
            var validationLoader = context.Loader(context.Open(DatasetSplit.Validation, spec), training: false, spec.Size);
            var testLoader = context.Loader(context.Open(DatasetSplit.Test, spec), training: false, spec.Size);
            if (validationLoader.Dataset.Count < validationLoader.BatchSize)
                throw new ArgumentException($"Calibration needs at least one batch of validation clips; {validationLoader.Dataset.Count} are available.");
            string outDir = c.Get(output);

            var controller = AapController.Fit(backbone, trainLoader);
            var objective = new AapObjective(backbone, controller, new AapOptions { Budget = b, MacPenalty = c.Get(penalty) });
            var trainer = new Trainer(objective, trainLoader, null, spec.Classes,
                new TrainingOptions { Epochs = c.Get(epochs), LearningRate = c.Get(lr), Optimizer = "adamw", WeightDecay = 0, OutputDirectory = outDir });
            var progress = new ProgressLine();
            trainer.StepCompleted += p => progress.Update($"AAP epoch {p.Epoch} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3} acc {p.Accuracy:P1} {p.ClipsPerSecond:F1} clips/s");
            trainer.EpochCompleted += e =>
            {
                progress.Clear();
                Console.WriteLine($"epoch {e.Epoch}: loss {e.TrainLoss:F4}, gated training accuracy {e.TrainAccuracy:P2}");
            };
            trainer.Run(resume: false, cancel);

            double dense = Evaluator.Evaluate(backbone, validationLoader, spec.Classes, cancel).Accuracy;
            var (chosen, points) = Calibration.Choose(scale =>
            {
                objective.Gated.Scale = scale;
                var e = GatedEvaluation.Measure(objective.Gated, validationLoader);
                return (e.Accuracy, e.MeanMacRatio);
            }, dense, c.Get(maxLoss) / 100.0);
            objective.Gated.Scale = chosen.Scale;
            foreach (var p in points) Console.WriteLine($"scale {p.Scale,5:F2}: validation accuracy {p.Accuracy:P2}, MAC ratio {p.MacRatio:F3}{(p == chosen ? "  <- chosen" : "")}");

            double denseTest = Evaluator.Evaluate(backbone, testLoader, spec.Classes, cancel).Accuracy;
            var test = GatedEvaluation.Measure(objective.Gated, testLoader);
            Console.WriteLine($"test: dense {denseTest:P2}, DANCE {test.Accuracy:P2} at {test.MeanMacRatio:F3} of the dense conv MACs ({1 - test.MeanMacRatio:P1} removed)");
            GateTable.Print(gated, test);

            string path = Path.Combine(outDir, "controller.safetensors");
            ControllerCheckpoint.Save(controller, path, spec.Architecture, chosen.Scale, b);
            Console.WriteLine($"controller: {path} ({controller.ParameterCount:N0} parameters, scale {chosen.Scale:F2})");
        })));
        return command;
    }
}
