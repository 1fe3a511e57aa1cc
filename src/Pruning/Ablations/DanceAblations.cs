using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Ablations;

/// <summary>
/// The ablations of METHOD.md, each a <see cref="DanceMethod"/> with one ingredient removed or replaced (trained,
/// calibrated to the target MAC ratio on validation and tested by the same code as DANCE), plus the untrained random
/// controller.
/// </summary>
/// <example><code>var dance = new DanceMethod().Execute(session, 0.4);
/// foreach (var ablation in DanceAblations.All(GateKeepRatios.From(dance.Test)))
///     results.Add(ablation.Run(session, dance.Result.MacRatio));</code></example>
public static class DanceAblations
{
    /// <summary>AAP on the dense backbone, without AVA fine-tuning.</summary>
    /// <param name="template">DANCE's settings (learning rate, penalty, seed) the variant starts from; the defaults when null.</param>
    public static DanceMethod WithoutAva(DanceSettings? template = null) => Variant("DANCE w/o AVA", template, s => s with { UseAva = false });

    /// <summary>DANCE with one granularity (<see cref="MaskGranularity.Frames"/>, <c>Channels</c> or <c>Features</c>) never masked.</summary>
    /// <param name="removed">The granularity never masked.</param>
    /// <param name="template">DANCE's settings the variant starts from; the defaults when null.</param>
    /// <exception cref="ArgumentException"><paramref name="removed"/> is not exactly one granularity.</exception>
    public static DanceMethod Without(MaskGranularity removed, DanceSettings? template = null)
    {
        if (removed is not (MaskGranularity.Frames or MaskGranularity.Channels or MaskGranularity.Features))
            throw new ArgumentException($"Remove exactly one granularity (Frames, Channels or Features), got {removed}.", nameof(removed));
        return Variant($"DANCE w/o {removed.ToString().ToLowerInvariant()} masks", template, s => s with { Masks = MaskGranularity.All & ~removed });
    }

    /// <summary>The controller fed statistics of the raw clip instead of conv1's output.</summary>
    /// <param name="template">DANCE's settings the variant starts from; the defaults when null.</param>
    public static DanceMethod RawClipController(DanceSettings? template = null) =>
        Variant("controller on raw clip", template, s => s with { ControllerInput = ControllerInput.RawClip });

    /// <summary>Every ablation: without AVA, without each granularity, raw-clip controller, random controller with <paramref name="danceKeepRatios"/>.</summary>
    /// <param name="danceKeepRatios">DANCE's mean keep ratios per gate (<see cref="GateKeepRatios.From"/> of its test run).</param>
    /// <param name="seed">Seed of the random controller's masks.</param>
    /// <param name="template">DANCE's settings the trained variants start from; the defaults when null.</param>
    public static IReadOnlyList<IPruningMethod> All(IReadOnlyList<GateKeepRatios> danceKeepRatios, ulong seed = 1, DanceSettings? template = null) =>
    [
        WithoutAva(template),
        Without(MaskGranularity.Frames, template),
        Without(MaskGranularity.Channels, template),
        Without(MaskGranularity.Features, template),
        RawClipController(template),
        new RandomControllerAblation(danceKeepRatios, seed),
    ];

    /// <summary>An ablation: the template under a new name, calibrated to the target MAC ratio, with one change.</summary>
    private static DanceMethod Variant(string name, DanceSettings? template, Func<DanceSettings, DanceSettings> change) =>
        new(change((template ?? new DanceSettings()) with { Name = name, Kind = MethodKind.Ablation, Calibration = DanceCalibration.MacRatio }));
}
