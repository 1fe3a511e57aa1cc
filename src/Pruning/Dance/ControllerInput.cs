namespace NativeDance.Pruning.Dance;

/// <summary>What the controller's statistics (<see cref="ControllerFeatures"/>) are computed on.</summary>
public enum ControllerInput
{
    /// <summary>A_1, the first conv layer's post-ReLU output (DANCE).</summary>
    FirstActivation,

    /// <summary>
    /// The raw input clip (the ablation that asks whether conv1's view matters): the same statistics over its 3 colour
    /// channels. The standard pipelines deliver intensities in [0, 1], so the statistics see the clip as it is.
    /// </summary>
    RawClip,
}
