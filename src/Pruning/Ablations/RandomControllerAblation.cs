using System.Globalization;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Ablations;

/// <summary>
/// DANCE with a random controller of the same mean keep ratios: on the AVA backbone, every gate keeps random frames,
/// channels and features in the proportions DANCE kept at that gate on average (<see cref="RandomGateMasks"/>), with no
/// training. If adaptivity matters, this loses accuracy at about DANCE's MAC ratio. Its operating point is set by the
/// ratios, so <c>targetMacRatio</c> is only checked, not tuned to.
/// </summary>
public sealed class RandomControllerAblation : IPruningMethod
{
    private readonly IReadOnlyList<GateKeepRatios> _ratios;
    private readonly ulong _seed;

    /// <summary>Uses DANCE's mean keep ratios per gate (e.g. <see cref="GateKeepRatios.From"/> of its test run).</summary>
    /// <exception cref="ArgumentException">No ratios, or a ratio outside [0, 1].</exception>
    public RandomControllerAblation(IReadOnlyList<GateKeepRatios> danceKeepRatios, ulong seed = 1)
    {
        if (danceKeepRatios.Count == 0) throw new ArgumentException("The random controller needs DANCE's keep ratios of at least one gate.", nameof(danceKeepRatios));
        _ = new RandomGateMasks(danceKeepRatios, seed); // validates the ratios now rather than at Run
        _ratios = danceKeepRatios;
        _seed = seed;
    }

    /// <inheritdoc />
    public string Name => "random controller";

    /// <inheritdoc />
    public MethodKind Kind => MethodKind.Ablation;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The target lies outside (0, 1], or the ratios do not cover the model's gates.</exception>
    public MethodResult Run(PruningSession session, double targetMacRatio) => Execute(session, targetMacRatio).Result;

    /// <summary>Evaluates the random masks on the test split; also returns the gated runner's evaluation.</summary>
    /// <exception cref="ArgumentException">The target lies outside (0, 1], or the ratios do not cover the model's gates.</exception>
    public (MethodResult Result, GatedEvaluation Test) Execute(PruningSession session, double targetMacRatio)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!(targetMacRatio > 0 && targetMacRatio <= 1))
            throw new ArgumentException($"The target MAC ratio must lie in (0, 1], got {targetMacRatio}.", nameof(targetMacRatio));
        var backbone = session.LoadAva();
        var gates = ((IGatedNetwork)backbone).Gates.Select(g => g.Index).ToHashSet();
        var rule = new RandomGateMasks(_ratios, _seed);
        if (!gates.SetEquals(rule.Gates))
            throw new ArgumentException($"The keep ratios cover gates {string.Join(", ", rule.Gates.Order())} but {session.Spec.Architecture} has gates 0-{gates.Count - 1}: they come from another model.");
        var test = GatedEvaluation.Measure(new GatedForward(backbone, rule), session.Test);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"DANCE's mean keep ratios per gate, random masks (seed {_seed}), no training; target {targetMacRatio:F3}");
        session.Progress($"{Name}: test accuracy {test.Accuracy:P1} at MAC ratio {test.MeanMacRatio:F3}");
        return (new MethodResult(Name, Kind, test.Accuracy, test.MeanMacRatio, Note: note), test);
    }
}
