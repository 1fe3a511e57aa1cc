namespace NativeDance.Data.FashionMnist;

/// <summary>How greyscale garments become RGB.</summary>
public enum GarmentColouring
{
    /// <summary>The grey value is replicated into every channel.</summary>
    Grey,
    /// <summary>Each sprite gets a random colour per clip (brightest channel 1), multiplied by its grey value.</summary>
    Tinted,
}
