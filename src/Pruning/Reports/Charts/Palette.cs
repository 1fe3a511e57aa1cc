namespace NativeDance.Pruning.Reports;

/// <summary>
/// Series colours from the Okabe-Ito palette, which stays distinguishable under the common colour-vision deficiencies,
/// ordered so the most legible colours come first (yellow, weak on white, comes last).
/// </summary>
public static class Palette
{
    /// <summary>Blue, vermillion, bluish green, orange, reddish purple, sky blue, black, yellow.</summary>
    public static IReadOnlyList<Rgb> OkabeIto { get; } =
    [
        Rgb.FromHex("#0072B2"), Rgb.FromHex("#D55E00"), Rgb.FromHex("#009E73"), Rgb.FromHex("#E69F00"),
        Rgb.FromHex("#CC79A7"), Rgb.FromHex("#56B4E9"), Rgb.FromHex("#000000"), Rgb.FromHex("#F0E442"),
    ];

    /// <summary>Colour of series <paramref name="index"/> (cycling through <see cref="OkabeIto"/>).</summary>
    public static Rgb SeriesColor(int index) => OkabeIto[index % OkabeIto.Count];

    /// <summary>Marker of series <paramref name="index"/>; shapes cycle with a period coprime to the colours', so 40 series stay distinct.</summary>
    public static MarkerShape SeriesMarker(int index) => (MarkerShape)(index % Enum.GetValues<MarkerShape>().Length);
}
