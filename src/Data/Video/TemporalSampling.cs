namespace NativeDance.Data.Video;

/// <summary>Where a clip's frame window starts inside its video.</summary>
public enum TemporalSampling
{
    /// <summary>A random start drawn from the sample seed (training).</summary>
    Random,
    /// <summary>The window centred in the video (evaluation).</summary>
    Centre,
}
