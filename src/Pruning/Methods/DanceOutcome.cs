using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;

namespace NativeDance.Pruning.Methods;

/// <summary>
/// Everything one run of <see cref="DanceMethod"/> produced: the result row, the gated network ready for inference
/// (backbone, trained controller, calibration scale, masks and controller input set) and what the run measured.
/// </summary>
/// <param name="Result">The comparison row (test accuracy; MAC ratio including the controller's own MACs).</param>
/// <param name="Backbone">The frozen backbone the controller gates (AVA, or dense without AVA), in evaluation mode.</param>
/// <param name="Controller">The trained controller.</param>
/// <param name="Scale">The calibration scale chosen on the validation split.</param>
/// <param name="Gated">The gated runner with <paramref name="Scale"/> applied.</param>
/// <param name="Test">Accuracy, R(x) per clip and per-gate keep ratios on the test split (R(x) without the controller).</param>
/// <param name="Calibration">Every scale evaluated on the validation split, in evaluation order.</param>
/// <param name="ControllerMacRatio">The controller MLP's MACs per clip over the dense conv MACs.</param>
/// <param name="TrainingTime">Controller fitting and training.</param>
/// <param name="CalibrationTime">Validation passes of the calibration (and the backbone's reference accuracy).</param>
/// <param name="TestTime">The gated test pass.</param>
public sealed record DanceOutcome(
    MethodResult Result,
    Module Backbone,
    AapController Controller,
    float Scale,
    GatedForward Gated,
    GatedEvaluation Test,
    IReadOnlyList<CalibrationPoint> Calibration,
    double ControllerMacRatio,
    TimeSpan TrainingTime,
    TimeSpan CalibrationTime,
    TimeSpan TestTime);
