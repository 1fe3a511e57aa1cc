namespace NativeDance.Pruning.Reports;

/// <summary>An opaque 8-bit sRGB colour.</summary>
/// <param name="R">Red, 0-255.</param>
/// <param name="G">Green, 0-255.</param>
/// <param name="B">Blue, 0-255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>Parses "#RRGGBB" or "RRGGBB". Example: <c>Rgb.FromHex("#0072B2")</c>.</summary>
    public static Rgb FromHex(string hex)
    {
        ReadOnlySpan<char> digits = hex.AsSpan().TrimStart('#');
        if (digits.Length != 6 || !uint.TryParse(digits, System.Globalization.NumberStyles.HexNumber, null, out uint v))
            throw new ArgumentException($"Colour '{hex}' is not of the form #RRGGBB.", nameof(hex));
        return new((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <summary>This colour mixed with <paramref name="other"/>: <paramref name="t"/> = 0 gives this, 1 gives <paramref name="other"/>.</summary>
    public Rgb Mix(Rgb other, double t) => new(Lerp(R, other.R, t), Lerp(G, other.G, t), Lerp(B, other.B, t));

    internal static byte Lerp(byte a, byte b, double t) => (byte)Math.Clamp(Math.Round(a + (b - a) * t), 0, 255);
}
