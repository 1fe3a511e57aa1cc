namespace NativeDance.Data.Transforms;

/// <summary>Where a crop window sits.</summary>
public enum CropPosition
{
    /// <summary>Uniformly random, the same window for every frame of the clip (training).</summary>
    Random,
    /// <summary>Centred (evaluation).</summary>
    Centre,
}
