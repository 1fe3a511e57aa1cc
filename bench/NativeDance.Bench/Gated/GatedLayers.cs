using NativeDance.Bench.Layers;
using NativeDance.Tensors.Conv;

namespace NativeDance.Bench.Gated;

/// <summary>A layer of the gated grid: its selector on the command line, its key in the results and the feature keep ratios it is timed at.</summary>
internal sealed record GatedLayer(string Selector, string Key, Conv3dGeometry Geometry, double[] FeatureRatios);

/// <summary>
/// The gated benchmark's layers: 2-4 of the engine-core list (at features 100/50/30/10%) and the tiny C3D's convs 2-4
/// as the demo runs them (16x16x16 clips, batch 1; at features 100/55/40/25/10%, where DANCE's feature masks land).
/// </summary>
internal static class GatedLayers
{
    public const string TinySelector = "tiny";

    private static readonly double[] CoreFeatures = [1, 0.5, 0.3, 0.1];
    private static readonly double[] TinyFeatures = [1, 0.55, 0.4, 0.25, 0.1];

    public static readonly IReadOnlyList<GatedLayer> All =
    [
        .. new[] { 2, 3, 4 }.Select(n => BenchLayers.All.Single(l => l.Number == n)).Select(l => new GatedLayer(l.Number.ToString(), l.Key, l.Geometry, CoreFeatures)),
        Tiny("tiny-C3D-conv2", 16, 32, 16),
        Tiny("tiny-C3D-conv3", 32, 64, 8),
        Tiny("tiny-C3D-conv4", 64, 64, 4),
    ];

    /// <summary>The selectors <c>--layers</c> takes.</summary>
    public static IEnumerable<string> Selectors => All.Select(l => l.Selector).Distinct();

    private static GatedLayer Tiny(string key, int cin, int cout, int size) =>
        new(TinySelector, key, Conv3dGeometry.Create(1, cin, Dims3.Cube(size), cout, Dims3.Cube(3), padding: Dims3.Cube(1)), TinyFeatures);
}
