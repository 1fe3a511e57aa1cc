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
    public static DanceMethod WithoutAva() => Variant("DANCE w/o AVA", s => s with { UseAva = false });

    /// <summary>DANCE with one granularity (<see cref="MaskGranularity.Frames"/>, <c>Channels</c> or <c>Features</c>) never masked.</summary>
    /// <exception cref="ArgumentException"><paramref name="removed"/> is not exactly one granularity.</exception>
    public static DanceMethod Without(MaskGranularity removed)
    {
        if (removed is not (MaskGranularity.Frames or MaskGranularity.Channels or MaskGranularity.Features))
            throw new ArgumentException($"Remove exactly one granularity (Frames, Channels or Features), got {removed}.", nameof(removed));
        return Variant($"DANCE w/o {removed.ToString().ToLowerInvariant()} masks", s => s with { Masks = MaskGranularity.All & ~removed });
    }

    /// <summary>The controller fed statistics of the raw clip instead of conv1's output.</summary>
    public static DanceMethod RawClipController() => Variant("controller on raw clip", s => s with { ControllerInput = ControllerInput.RawClip });

    /// <summary>Every ablation: without AVA, without each granularity, raw-clip controller, random controller with <paramref name="danceKeepRatios"/>.</summary>
    public static IReadOnlyList<IPruningMethod> All(IReadOnlyList<GateKeepRatios> danceKeepRatios, ulong seed = 1) =>
    [
        WithoutAva(),
        Without(MaskGranularity.Frames),
        Without(MaskGranularity.Channels),
        Without(MaskGranularity.Features),
        RawClipController(),
        new RandomControllerAblation(danceKeepRatios, seed),
    ];

    private static DanceMethod Variant(string name, Func<DanceSettings, DanceSettings> change) =>
        new(change(new DanceSettings { Name = name, Kind = MethodKind.Ablation, Calibration = DanceCalibration.MacRatio }));
}
