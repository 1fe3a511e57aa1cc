using System.CommandLine;
using NativeDance.Data;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Training;
using NativeDance.Models.Zoo;
using NativeDance.Tensors.Threading;

namespace NativeDance.Cli.Commands;

/// <summary><c>dance train</c>: trains a zoo model on a dataset with live progress, per-epoch checkpoints and <c>--resume</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train", DefaultValueFactory = _ => 8 };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => 0.05f };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or adamw", DefaultValueFactory = _ => "sgd" };
        var schedule = new Option<string>("--schedule") { Description = "cosine, step or constant", DefaultValueFactory = _ => "cosine" };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps", DefaultValueFactory = _ => 0 };
        var weightDecay = new Option<float>("--weight-decay") { Description = "Weight decay", DefaultValueFactory = _ => 5e-4f };
        var output = new Option<string>("--out") { Description = "Output folder for checkpoints and history", DefaultValueFactory = _ => "runs/train" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the last completed epoch in --out" };

        var command = new Command("train", "Train a 3D CNN from the model zoo on a video dataset.");
        run.AddTo(command);
        foreach (var o in new Option[] { epochs, lr, optimizer, schedule, warmup, weightDecay, output, resume }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var c = ConfigFile.Load(parse, parse.GetValue(run.Config));
            using var context = new RunContext(run, c);
            var request = context.Request;
            var train = context.Open(DatasetSplit.Train);
            var validation = context.Open(DatasetSplit.Validation);
            var spec = new ModelSpec(c.Get(run.Model), train.ClassNames.Count, c.Get(run.Width), request.Clip.Frames, context.Size, Seed: request.Seed);
            var model = ModelZoo.Create(spec);
            int batch = context.BatchSize;
            var trainLoader = context.Loader(train, training: true);
            var validationLoader = context.Loader(validation, training: false);
            var options = new TrainingOptions
            {
                Epochs = c.Get(epochs), LearningRate = c.Get(lr), Optimizer = c.Get(optimizer), Schedule = c.Get(schedule),
                WarmupSteps = c.Get(warmup), WeightDecay = c.Get(weightDecay), OutputDirectory = c.Get(output),
            };
            var metadata = TrainedCheckpoint.Describe(spec, request.Name, train.ClassNames);
            var trainer = new Trainer(model, trainLoader, validationLoader, train.ClassNames.Count, options, metadata);
            var progress = new ProgressLine();
            trainer.StepCompleted += p => progress.Update(
                $"epoch {p.Epoch}/{options.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3} acc {p.Accuracy:P1} {p.ClipsPerSecond:F1} clips/s ETA {p.Remaining:hh\\:mm\\:ss}");
            Console.WriteLine($"training {spec.Architecture} ({model.ParameterCount:N0} parameters) on {train.Name}: {train.Count} train / {validation.Count} validation clips of {request.Clip}, batch {batch}, {ParallelFor.Threads} threads");
            Console.WriteLine($"{"epoch",5} {"loss",8} {"train acc",10} {"val acc",8} {"clips/s",8} {"seconds",8} {"lr",9}");
            trainer.EpochCompleted += e =>
            {
                progress.Clear();
                Console.WriteLine($"{e.Epoch,5} {e.TrainLoss,8:F4} {e.TrainAccuracy,10:P1} {e.ValidationAccuracy,8:P1} {e.ClipsPerSecond,8:F1} {e.Seconds,8:F1} {e.LearningRate,9:G3}");
            };
            bool resuming = c.Get(resume);
            trainer.Run(resuming, cancel);
            if (resuming && trainer.ResumedFromEpoch > 0) Console.WriteLine($"(resumed after epoch {trainer.ResumedFromEpoch})");
            if (trainLoader.SkippedClips > 0) Console.WriteLine($"skipped {trainLoader.SkippedClips} unreadable clips");
            Console.WriteLine($"model: {Path.Combine(options.OutputDirectory, "model.safetensors")}");
        })));
        return command;
    }
}
