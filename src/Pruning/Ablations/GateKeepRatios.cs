namespace NativeDance.Pruning.Ablations;

/// <summary>
/// Mean keep ratios of one gate, as <see cref="Dance.GatedEvaluation.Gates"/> reports them: kept frames / frames, kept
/// channels / channels, and non-zero kept features / elements of the kept frames and channels.
/// </summary>
/// <param name="Gate">Gate index.</param>
/// <param name="Frames">Frame keep ratio in [0, 1].</param>
/// <param name="Channels">Channel keep ratio in [0, 1].</param>
/// <param name="Features">Feature keep ratio in [0, 1].</param>
public sealed record GateKeepRatios(int Gate, double Frames, double Channels, double Features)
{
    /// <summary>The ratios of every gate of a gated evaluation (e.g. DANCE's test run).</summary>
    public static IReadOnlyList<GateKeepRatios> From(Dance.GatedEvaluation evaluation) =>
        evaluation.Gates.Select(g => new GateKeepRatios(g.Gate, g.Frames, g.Channels, g.Features)).ToList();
}
