namespace NativeDance.Pruning.Methods;

/// <summary>What a row of the comparison is.</summary>
public enum MethodKind
{
    /// <summary>The unpruned model.</summary>
    Dense,

    /// <summary>DANCE itself (AVA backbone + AAP controller, calibrated).</summary>
    Dance,

    /// <summary>A published alternative to DANCE, trained and evaluated by the same code.</summary>
    Baseline,

    /// <summary>DANCE with one ingredient removed or replaced.</summary>
    Ablation,
}

/// <summary>
/// One method's result on the test split at its operating point. Ratios are over the dense model's conv work for the
/// same clips: <paramref name="MacRatio"/> counts the MACs the method's convs execute (its own overhead such as a
/// controller or saliency predictor included), <paramref name="BytesRatio"/> the activation and weight bytes they move.
/// </summary>
/// <param name="Name">Short name shown in reports (e.g. <c>static L1 channels</c>).</param>
/// <param name="Kind">Dense, DANCE, baseline or ablation.</param>
/// <param name="Accuracy">Top-1 clip accuracy on the test split.</param>
/// <param name="MacRatio">Mean executed conv MACs per clip over the dense model's.</param>
/// <param name="BytesRatio">Mean bytes moved per clip over the dense model's, where the method counts them.</param>
/// <param name="Note">One line on how the operating point was chosen, or a finding.</param>
public sealed record MethodResult(string Name, MethodKind Kind, double Accuracy, double MacRatio, double? BytesRatio = null, string? Note = null);
