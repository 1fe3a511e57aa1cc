using System.Diagnostics;
using System.Globalization;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Methods;

/// <summary>
/// The AAP step of DANCE as a comparable method: on the session's frozen backbone it fits and trains the controller
/// (<see cref="AapObjective"/>, budget B = the target MAC ratio, <see cref="PruningSession.Epochs"/> epochs), calibrates
/// the global scale on the validation split and evaluates the gated network on the test split. The ablations are the
/// same code with other <see cref="DanceSettings"/>.
/// </summary>
/// <example><code>var dance = new DanceMethod();
/// var outcome = dance.Execute(session, targetMacRatio: 0.4);
/// Console.WriteLine($"{outcome.Result.Accuracy:P1} at {outcome.Result.MacRatio:F3}, scale {outcome.Scale}");</code></example>
public sealed class DanceMethod : IPruningMethod
{
    private readonly DanceSettings _settings;

    /// <summary>Creates DANCE or one of its variants.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public DanceMethod(DanceSettings? settings = null)
    {
        _settings = settings ?? new DanceSettings();
        _settings.Validate();
    }

    /// <inheritdoc />
    public string Name => _settings.Name;

    /// <inheritdoc />
    public MethodKind Kind => _settings.Kind;

    /// <summary>The variant run.</summary>
    public DanceSettings Settings => _settings;

    /// <inheritdoc />
    public MethodResult Run(PruningSession session, double targetMacRatio) => Execute(session, targetMacRatio).Result;

    /// <summary>Trains, calibrates and evaluates; returns the result row with the trained controller and scale.</summary>
    /// <exception cref="ArgumentException">The target lies outside (0, 1], or the training or validation split is too small.</exception>
    public DanceOutcome Execute(PruningSession session, double targetMacRatio)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!(targetMacRatio > 0 && targetMacRatio <= 1))
            throw new ArgumentException($"The target MAC ratio must lie in (0, 1], got {targetMacRatio}.", nameof(targetMacRatio));
        if (session.Train.StepsPerEpoch == 0)
            throw new ArgumentException($"Controller training needs a batch of training clips ({session.Train.BatchSize}); the split has {session.Train.Dataset.Count}.", nameof(session));
        if (session.Validation.Dataset.Count == 0) throw new ArgumentException("Calibration needs validation clips; the validation split is empty.", nameof(session));
        var s = _settings;
        var clock = Stopwatch.StartNew();
        var backbone = s.UseAva ? session.LoadAva() : session.LoadDense();
        var controller = AapController.Fit(backbone, session.Train, s.ControllerInput, s.NormalizationBatches, s.Seed);
        var options = new AapOptions { Budget = (float)targetMacRatio, MacPenalty = s.MacPenalty, Masks = s.Masks, ControllerInput = s.ControllerInput };
        var objective = new AapObjective(backbone, controller, options);
        Train(session, objective);
        var trainingTime = clock.Elapsed;

        clock.Restart();
        var gated = objective.Gated;
        double controllerRatio = ControllerMacs(controller) / gated.TotalMacs;
        // Calibration points and the result count the controller's own MACs, so a MAC target compares like with like.
        (double Accuracy, double MacRatio) Evaluate(float scale)
        {
            session.Cancellation.ThrowIfCancellationRequested();
            gated.Scale = scale;
            var e = GatedEvaluation.Measure(gated, session.Validation, options.SurrogateEnd);
            session.Progress($"{Name}: scale {scale:F3} -> validation accuracy {e.Accuracy:P1}, MAC ratio {e.MeanMacRatio + controllerRatio:F3}");
            return (e.Accuracy, e.MeanMacRatio + controllerRatio);
        }
        var (chosen, points) = s.Calibration == DanceCalibration.AccuracyLoss
            ? Calibration.Choose(Evaluate, Evaluator.Evaluate(backbone, session.Validation, session.Spec.Classes, session.Cancellation).Accuracy, s.MaxAccuracyLoss)
            : Calibration.ChooseMacRatio(Evaluate, targetMacRatio);
        gated.Scale = chosen.Scale;
        var calibrationTime = clock.Elapsed;

        clock.Restart();
        var test = GatedEvaluation.Measure(gated, session.Test, options.SurrogateEnd);
        var testTime = clock.Elapsed;
        string rule = s.Calibration == DanceCalibration.AccuracyLoss
            ? $"within {s.MaxAccuracyLoss * 100:0.##} points of the backbone"
            : $"MAC ratio closest to {targetMacRatio:F3}";
        var result = new MethodResult(Name, Kind, test.Accuracy, test.MeanMacRatio + controllerRatio,
            Note: string.Create(CultureInfo.InvariantCulture,
                $"budget {targetMacRatio:F2}, scale {chosen.Scale:F3} chosen on validation ({rule}); controller {controllerRatio:P2} of the MACs"));
        session.Progress($"{Name}: test accuracy {test.Accuracy:P1} at MAC ratio {result.MacRatio:F3} " +
            $"(train {trainingTime.TotalSeconds:F1} s, calibrate {calibrationTime.TotalSeconds:F1} s, test {testTime.TotalSeconds:F1} s)");
        return new DanceOutcome(result, backbone, controller, chosen.Scale, gated, test, points, controllerRatio, trainingTime, calibrationTime, testTime);
    }

    /// <summary>Trains the controller with AdamW for the session's epochs; the trainer's per-epoch checkpoints go to a scratch folder.</summary>
    private void Train(PruningSession session, AapObjective objective)
    {
        var scratch = Directory.CreateTempSubdirectory("nativedance-aap-");
        try
        {
            var trainer = new Trainer(objective, session.Train, null, session.Spec.Classes, new TrainingOptions
            {
                Epochs = session.Epochs,
                LearningRate = _settings.LearningRate,
                Optimizer = "adamw",
                WeightDecay = 0,
                OutputDirectory = scratch.FullName,
            });
            trainer.StepCompleted += p =>
                session.Progress($"{Name}: epoch {p.Epoch} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F3} gated accuracy {p.Accuracy:P1}");
            trainer.Run(resume: false, session.Cancellation);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static double ControllerMacs(AapController controller)
    {
        var costs = new List<LayerCost>();
        controller.InferShape(new Shape(1, controller.Features), costs);
        return costs.Sum(c => (double)c.Macs);
    }
}
