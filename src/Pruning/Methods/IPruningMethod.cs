namespace NativeDance.Pruning.Methods;

/// <summary>
/// A pruning method the demo compares with DANCE: it builds what it needs from the session's trained models (training
/// or fine-tuning on the training split, tuning its knob on the validation split, never the test split) and reports
/// its test accuracy at a MAC ratio as close as its knob allows to <c>targetMacRatio</c>.
/// </summary>
public interface IPruningMethod
{
    /// <summary>Short name shown in reports.</summary>
    string Name { get; }

    /// <summary>Baseline or ablation.</summary>
    MethodKind Kind { get; }

    /// <summary>Trains, tunes to the target MAC ratio and evaluates on the test split.</summary>
    MethodResult Run(PruningSession session, double targetMacRatio);
}
