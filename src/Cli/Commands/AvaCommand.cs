using System.CommandLine;
using NativeDance.Data;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Training;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Reports;

namespace NativeDance.Cli.Commands;

/// <summary><c>dance ava</c>: activation variability amplification, fine-tuning a trained checkpoint (METHOD.md step 1).</summary>
internal static class AvaCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var checkpoint = new Option<string>("--checkpoint") { Description = "Dense model written by dance train", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs", DefaultValueFactory = _ => 2 };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => 0.01f };
        var lambda = new Option<float>("--lambda") { Description = "Weight of the variability reward (lambda_v)", DefaultValueFactory = _ => 0.05f };
        var alpha = new Option<float>("--alpha") { Description = "Weight of distillation from the dense model", DefaultValueFactory = _ => 0.5f };
        var l1 = new Option<float>("--l1") { Description = "Optional L1 penalty on gated activations (beta)", DefaultValueFactory = _ => 0f };
        var acrossBatch = new Option<bool>("--across-batch") { Description = "Use the across-batch channel CV2 (ablation)" };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "runs/ava" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the last completed epoch in --out" };
        var command = new Command("ava", "Fine-tune a trained model so its activation magnitudes vary strongly (AVA).");
        run.AddTo(command);
        foreach (var o in new Option[] { checkpoint, epochs, lr, lambda, alpha, l1, acrossBatch, output, resume }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var c = ConfigFile.Load(parse, parse.GetValue(run.Config));
            using var context = new RunContext(run, c);
            var (student, spec) = RunContext.LoadModel(c.Get(checkpoint));
            var (teacher, _) = RunContext.LoadModel(c.Get(checkpoint));
            var train = context.Open(DatasetSplit.Train, spec);
            var validation = context.Open(DatasetSplit.Validation, spec);
            var trainLoader = context.Loader(train, training: true, spec.Size);
            var validationLoader = context.Loader(validation, training: false, spec.Size);
            string outDir = c.Get(output);
            Directory.CreateDirectory(outDir);

            var before = VariabilityProbe.Measure(student, validationLoader);
            double accuracyBefore = Evaluator.Evaluate(student, validationLoader, spec.Classes, cancel).Accuracy;
            var options = new AvaOptions { Lambda = c.Get(lambda), Alpha = c.Get(alpha), L1 = c.Get(l1), AcrossBatch = c.Get(acrossBatch) };
            var trainer = new Trainer(new AvaObjective(student, teacher, options), trainLoader, validationLoader, spec.Classes,
                new TrainingOptions { Epochs = c.Get(epochs), LearningRate = c.Get(lr), OutputDirectory = outDir },
                TrainedCheckpoint.Describe(spec, context.Request.Name, train.ClassNames));
            var progress = new ProgressLine();
            trainer.StepCompleted += p => progress.Update($"AVA epoch {p.Epoch} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3} acc {p.Accuracy:P1} {p.ClipsPerSecond:F1} clips/s");
            trainer.EpochCompleted += e =>
            {
                progress.Clear();
                Console.WriteLine($"epoch {e.Epoch}: loss {e.TrainLoss:F4}, validation accuracy {e.ValidationAccuracy:P2}");
            };
            trainer.Run(c.Get(resume), cancel);
            var after = VariabilityProbe.Measure(student, validationLoader);
            double accuracyAfter = Evaluator.Evaluate(student, validationLoader, spec.Classes, cancel).Accuracy;

            Console.WriteLine($"validation accuracy: {accuracyBefore:P2} before AVA, {accuracyAfter:P2} after");
            Console.WriteLine($"{"conv",-22} {"CV2 elem",18} {"CV2 chan",18} {"CV2 frame",18}");
            foreach (var (b, a) in before.Zip(after))
                Console.WriteLine($"{b.Conv,-22} {b.Elements,8:F3} -> {a.Elements,-7:F3} {b.Channels,8:F3} -> {a.Channels,-7:F3} {b.Frames,8:F3} -> {a.Frames,-7:F3}");
            VariabilityHistograms.Save(before, after, outDir);
            Console.WriteLine($"model: {Path.Combine(outDir, "model.safetensors")}; histograms in {outDir}");
        })));
        return command;
    }
}
