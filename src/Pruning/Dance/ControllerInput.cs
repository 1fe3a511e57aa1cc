namespace NativeDance.Pruning.Dance;

/// <summary>What the controller's statistics (<see cref="ControllerFeatures"/>) are computed on.</summary>
public enum ControllerInput
{
    /// <summary>A_1, the first conv layer's post-ReLU output (DANCE).</summary>
    FirstActivation,

    /// <summary>The raw input clip (the ablation that asks whether conv1's view matters).</summary>
    RawClip,
}
