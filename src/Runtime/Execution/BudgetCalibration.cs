using NativeDance.Data;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;

namespace NativeDance.Runtime.Execution;

/// <summary>
/// Fits DANCE's deployment knob, the global scale on every threshold multiplier, to a budget: the scale whose mean R(x)
/// over calibration clips is closest to the budget (<see cref="Calibration.ChooseMacRatio"/>: bracket by doubling or
/// halving from 1, then interpolate), each candidate measured with a plan compiled at that scale.
/// </summary>
internal static class BudgetCalibration
{
    /// <summary>Validation clips rendered when the caller gives none.</summary>
    public const int DefaultClips = 32;

    /// <summary>The chosen scale and the mean R(x) it gave on the clips.</summary>
    public static (float Scale, double MacRatio) Fit(PlanBackend backend, Module model, int classes, AapController controller,
        ClipSpec clip, IReadOnlyList<float[]> clips, double budget)
    {
        var logits = new float[classes];
        var (chosen, _) = Calibration.ChooseMacRatio(scale =>
        {
            using var plan = backend.Compile(model, clip, controller, scale);
            double sum = 0;
            foreach (var c in clips)
            {
                plan.Run(c, logits);
                sum += plan.MacRatio;
            }
            // No labels: accuracy plays no part in the choice.
            return (0, sum / clips.Count);
        }, budget);
        return (chosen.Scale, chosen.MacRatio);
    }

    /// <summary>
    /// The caller's calibration clips, checked against the clip size, or validation clips rendered from
    /// <paramref name="dataset"/> where it needs no files.
    /// </summary>
    /// <exception cref="ArgumentException">A clip has the wrong length, there are none, or the dataset needs files.</exception>
    public static IReadOnlyList<float[]> Clips(IReadOnlyList<float[]>? given, string dataset, ClipSpec clip)
    {
        if (given is not null)
        {
            if (given.Count == 0) throw new ArgumentException("CalibrationClips is empty; give at least one clip or leave it null.", nameof(given));
            for (int i = 0; i < given.Count; i++)
            {
                if (given[i]?.Length != clip.ElementCount)
                    throw new ArgumentException($"Calibration clip {i} has {given[i]?.Length ?? 0} values; the model takes {clip} clips of {clip.ElementCount}.", nameof(given));
            }
            return given;
        }
        if (!dataset.Equals("procedural", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"A budget below 1 is fitted on calibration clips, and the model's dataset '{dataset}' cannot be rendered without files: give ClassifierOptions.CalibrationClips (clips like those you will classify).");
        var data = DatasetCatalog.Open(new DatasetRequest(dataset, clip, EvalClips: DefaultClips), DatasetSplit.Validation);
        var clips = new float[data.Count][];
        for (int i = 0; i < clips.Length; i++)
        {
            clips[i] = new float[clip.ElementCount];
            data.ReadClip(i, clips[i]);
        }
        return clips;
    }
}
