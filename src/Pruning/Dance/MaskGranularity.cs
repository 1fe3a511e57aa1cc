namespace NativeDance.Pruning.Dance;

/// <summary>
/// The granularities DANCE masks at every gate. A granularity left out keeps everything (its multiplier is forced to 0,
/// so every frame or channel, or every non-zero feature, passes): the "granularity removed" ablations.
/// </summary>
[Flags]
public enum MaskGranularity
{
    /// <summary>No mask: only exact zeros are skipped.</summary>
    None = 0,

    /// <summary>Whole frames X_l[:, t].</summary>
    Frames = 1,

    /// <summary>Whole channels X_l[c].</summary>
    Channels = 2,

    /// <summary>Single activations.</summary>
    Features = 4,

    /// <summary>Frames, channels and features: DANCE itself.</summary>
    All = Frames | Channels | Features,
}
