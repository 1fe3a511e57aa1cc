using NativeDance.Autograd;
using NativeDance.Cli.Commands;
using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Ablations;
using NativeDance.Pruning.Baselines;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Methods;
using NativeDance.Tensors.Threading;

namespace NativeDance.Cli.Demo;

/// <summary>
/// The whole DANCE story in one run: train the dense model, amplify its activation variability (AVA), train and
/// calibrate the controller (AAP), evaluate DANCE and every baseline and ablation at matched MACs, and time dense
/// against gated inference. Each stage writes its checkpoints under the output folder.
/// </summary>
internal sealed class DemoPipeline(RunContext context, ModelSpec spec, DemoSettings settings, string outputDirectory, double maxLoss, CancellationToken cancel)
{
    private readonly DemoStages _stages = new(6);
    private readonly ProgressLine _progress = new();

    private string DenseCheckpoint => Path.Combine(outputDirectory, "dense", "model.safetensors");
    private string AvaCheckpoint => Path.Combine(outputDirectory, "ava", "model.safetensors");

    public DemoResults Run()
    {
        var trainSet = context.Open(DatasetSplit.Train);
        var train = context.Loader(trainSet, training: true);
        var validation = context.Loader(context.Open(DatasetSplit.Validation), training: false);
        var test = context.Loader(context.Open(DatasetSplit.Test), training: false);
        if (validation.Dataset.Count < validation.BatchSize)
            throw new ArgumentException($"Calibration needs at least one batch ({validation.BatchSize}) of validation clips; the dataset has {validation.Dataset.Count}.");
        var results = new DemoResults
        {
            Model = spec.Architecture, Dataset = trainSet.Name, Clip = trainSet.Spec, Threads = ParallelFor.Threads,
            TrainClips = trainSet.Count, EvalClips = validation.Dataset.Count,
        };
        Console.WriteLine($"DANCE demo: {spec.Architecture} on {trainSet.Name}, {trainSet.Count} train / {validation.Dataset.Count} validation / {test.Dataset.Count} test clips of {trainSet.Spec}, {ParallelFor.Threads} threads");

        results.DenseAccuracy = _stages.Run($"training the dense {spec.Architecture}", () => TrainDense(train, validation, test));
        results.AvaAccuracy = _stages.Run("AVA: amplifying activation variability", () => Amplify(train, validation, test, results));
        var dance = _stages.Run("AAP: training and calibrating the controller", () => TrainController(train, validation, test, results));
        var target = dance.Calibration.First(p => p.Scale == dance.Scale).MacRatio + dance.ControllerMacRatio;
        _stages.Run($"baselines at DANCE's validation MAC ratio {target:F3}", () =>
        {
            Compare([new ZeroSkippingDense(), .. BaselineMethods.All()], train, validation, test, target, results);
            return true;
        });
        _stages.Run($"ablations at DANCE's validation MAC ratio {target:F3}", () =>
        {
            Compare(DanceAblations.All(GateKeepRatios.From(dance.Test), context.Request.Seed), train, validation, test, target, results);
            return true;
        });
        results.Latency = _stages.Run("timing dense vs DANCE-gated inference (batch 1)", () =>
        {
            var latency = LatencyComparison.Measure(Load(DenseCheckpoint).Eval(), dance.Backbone, dance.Controller, dance.Scale, test, settings.LatencyClips);
            Console.WriteLine($"      dense {latency.DenseMs:F3} ms, gated {latency.GatedMs:F3} ms per clip: {latency.Speedup:F2}x faster; least memory traffic {latency.MaskedBytesRatio:P1} of dense (kernel-counted bytes {latency.KernelBytesRatio:F2}x)");
            return latency;
        });
        results.Stages = _stages.Timings;
        results.WallSeconds = _stages.ElapsedSeconds;
        return results;
    }

    private double TrainDense(ClipLoader train, ClipLoader validation, ClipLoader test)
    {
        var model = ModelZoo.Create(spec);
        var trainer = new Trainer(model, train, validation, spec.Classes,
            new TrainingOptions { Epochs = settings.DenseEpochs, LearningRate = 0.05f, OutputDirectory = Path.GetDirectoryName(DenseCheckpoint)! },
            TrainedCheckpoint.Describe(spec, context.Request.Name, train.Dataset.ClassNames));
        Follow(trainer, "dense");
        trainer.Run(resume: false, cancel);
        double accuracy = Evaluator.Evaluate(model, test, spec.Classes, cancel).Accuracy;
        Console.WriteLine($"      dense test accuracy {accuracy:P2} ({model.ParameterCount:N0} parameters)");
        return accuracy;
    }

    private double Amplify(ClipLoader train, ClipLoader validation, ClipLoader test, DemoResults results)
    {
        var student = Load(DenseCheckpoint);
        var teacher = Load(DenseCheckpoint);
        results.GateNames = ((IGatedNetwork)student).Gates.Select(g => g.ConvName).ToList();
        results.VariabilityBefore = VariabilityProbe.Measure(student, validation);
        var trainer = new Trainer(new AvaObjective(student, teacher, new AvaOptions()), train, validation, spec.Classes,
            new TrainingOptions { Epochs = settings.AvaEpochs, LearningRate = 0.01f, OutputDirectory = Path.GetDirectoryName(AvaCheckpoint)! },
            TrainedCheckpoint.Describe(spec, context.Request.Name, train.Dataset.ClassNames));
        Follow(trainer, "AVA");
        trainer.Run(resume: false, cancel);
        results.VariabilityAfter = VariabilityProbe.Measure(student, validation);
        foreach (var (b, a) in results.VariabilityBefore.Zip(results.VariabilityAfter))
            Console.WriteLine($"      CV2 entering {b.Conv}: elements {b.Elements:F2} -> {a.Elements:F2}, channels {b.Channels:F3} -> {a.Channels:F3}, frames {b.Frames:F3} -> {a.Frames:F3}");
        double accuracy = Evaluator.Evaluate(student, test, spec.Classes, cancel).Accuracy;
        Console.WriteLine($"      AVA test accuracy {accuracy:P2}");
        return accuracy;
    }

    private DanceOutcome TrainController(ClipLoader train, ClipLoader validation, ClipLoader test, DemoResults results)
    {
        var session = Session(train, validation, test, settings.AapEpochs);
        var outcome = new DanceMethod(new DanceSettings { MaxAccuracyLoss = maxLoss / 100 }).Execute(session, DanceBudget);
        _progress.Clear();
        results.Scale = outcome.Scale;
        results.Calibration = outcome.Calibration;
        results.DanceTest = outcome.Test;
        results.Dance = outcome.Result;
        ControllerCheckpoint.Save(outcome.Controller, Path.Combine(outputDirectory, "aap", "controller.safetensors"), spec.Architecture, outcome.Scale, (float)DanceBudget);
        Console.WriteLine($"      DANCE test accuracy {outcome.Result.Accuracy:P2} at {outcome.Result.MacRatio:F3} of the dense conv MACs (scale {outcome.Scale:F2})");
        return outcome;
    }

    /// <summary>Runs every compared method at DANCE's validation MAC ratio, each on a bounded training subset.</summary>
    private void Compare(IReadOnlyList<IPruningMethod> methods, ClipLoader train, ClipLoader validation, ClipLoader test, double target, DemoResults results)
    {
        var subset = new ClipSubset(train.Dataset, Math.Min(settings.MethodTrainClips, train.Dataset.Count), context.Request.Seed);
        var session = Session(context.Loader(subset, training: true), validation, test, settings.MethodEpochs);
        foreach (var method in methods)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = method.Run(session, target);
            _progress.Clear();
            results.Methods.Add(result);
            Console.WriteLine($"      {result.Name,-30} {result.Accuracy,8:P2} at MAC ratio {result.MacRatio:F3} ({clock.Elapsed.TotalSeconds:F0} s)");
        }
    }

    private PruningSession Session(ClipLoader train, ClipLoader validation, ClipLoader test, int epochs) =>
        new(spec, DenseCheckpoint, AvaCheckpoint, train, validation, test)
        {
            Epochs = epochs,
            Progress = message => _progress.Update($"      {message}"),
            Cancellation = cancel,
        };

    /// <summary>
    /// The demo's MAC budget: at 0.15 the controller still holds the dense test accuracy on the procedural dataset
    /// (about 0.16 of the dense MACs after calibration), while the ablations and the weaker baselines clearly lose
    /// accuracy at that ratio; a looser budget (0.35) leaves every method near 99.7% and the comparison says nothing.
    /// At 0.2 DANCE held the dense accuracy too, at 0.19 of the MACs: 0.15 is the tighter operating point the method
    /// sustains, and its gated plan runs about 2.9x faster than the dense one (2.4-2.6x at 0.2).
    /// </summary>
    public const double DefaultBudget = 0.15;

    /// <summary>The MAC budget B the controller is trained for.</summary>
    public double DanceBudget { get; init; } = DefaultBudget;

    private Module Load(string path)
    {
        var model = ModelZoo.Create(spec);
        ModelCheckpoint.Load(model, path);
        return model;
    }

    private void Follow(Trainer trainer, string label)
    {
        trainer.StepCompleted += p => _progress.Update($"      {label} epoch {p.Epoch} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3} acc {p.Accuracy:P1} {p.ClipsPerSecond:F0} clips/s");
        trainer.EpochCompleted += e =>
        {
            _progress.Clear();
            string validation = double.IsNaN(e.ValidationAccuracy) ? "" : $", validation accuracy {e.ValidationAccuracy:P2}";
            Console.WriteLine($"      {label} epoch {e.Epoch}: loss {e.TrainLoss:F4}, training accuracy {e.TrainAccuracy:P2}{validation} ({e.Seconds:F0} s)");
        };
    }
}
