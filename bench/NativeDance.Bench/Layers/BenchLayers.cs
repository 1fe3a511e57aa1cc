using NativeDance.Tensors.Conv;

namespace NativeDance.Bench.Layers;

/// <summary>One benchmarked convolution: its number in issue 2's list, a short key (the benchmark parameter) and a description.</summary>
internal sealed record BenchLayer(int Number, string Key, string Name, Conv3dGeometry Geometry)
{
    /// <summary>2 * Cout * Cin/groups * kernel volume * output volume: the FLOPs of one forward (padding taps included).</summary>
    public double ForwardFlops => 2.0 * Geometry.DenseMacs;
}

/// <summary>
/// The seven layers of issue 2 (N = 1, fp32, bias on; 3x3x3, stride 1, padding 1 unless said) and which of them the
/// run compares. Backward is timed on layers 2, 4 and 6.
/// </summary>
internal static class BenchLayers
{
    public static readonly IReadOnlyList<BenchLayer> All =
    [
        Cube(1, "C3D-conv1", "C3D conv1 3->64, 16x112x112", 3, 64, new Dims3(16, 112, 112)),
        Cube(2, "C3D-conv2", "C3D conv2 64->128, 16x56x56", 64, 128, new Dims3(16, 56, 56)),
        Cube(3, "C3D-conv3a", "C3D conv3a 128->256, 8x28x28", 128, 256, new Dims3(8, 28, 28)),
        Cube(4, "R3D-layer2", "R3D-18 layer2 128->128, 8x28x28", 128, 128, new Dims3(8, 28, 28)),
        Cube(5, "R3D-layer4", "R3D-18 layer4 512->512, 2x7x7", 512, 512, new Dims3(2, 7, 7)),
        Cube(6, "small-clip", "small clip 32->64, 16x32x32", 32, 64, new Dims3(16, 32, 32)),
        new(7, "R2+1D-temporal", "R(2+1)D temporal 3x1x1 pad (1,0,0), 144->64, 8x28x28",
            Conv3dGeometry.Create(1, 144, new Dims3(8, 28, 28), 64, new Dims3(3, 1, 1), padding: new Dims3(1, 0, 0))),
    ];

    private static readonly int[] BackwardNumbers = [2, 4, 6];
    private static HashSet<int> _selected = All.Select(l => l.Number).ToHashSet();

    /// <summary>Restricts the run to the given layer numbers (all when empty).</summary>
    public static void Select(IReadOnlyCollection<int> numbers)
    {
        foreach (int n in numbers)
            if (All.All(l => l.Number != n))
                throw new ArgumentException($"There is no layer {n}; layers are numbered 1 to {All.Count}.", nameof(numbers));
        _selected = numbers.Count == 0 ? All.Select(l => l.Number).ToHashSet() : numbers.ToHashSet();
    }

    /// <summary>Keys of the selected layers, for the forward benchmarks.</summary>
    public static IEnumerable<string> ForwardKeys => All.Where(l => _selected.Contains(l.Number)).Select(l => l.Key);

    /// <summary>Keys of the selected layers among 2, 4 and 6, for the backward benchmarks.</summary>
    public static IEnumerable<string> BackwardKeys =>
        All.Where(l => _selected.Contains(l.Number) && BackwardNumbers.Contains(l.Number)).Select(l => l.Key);

    public static BenchLayer Get(string key) =>
        All.FirstOrDefault(l => l.Key == key) ?? throw new ArgumentException($"Unknown layer key '{key}'.", nameof(key));

    private static BenchLayer Cube(int number, string key, string name, int cin, int cout, Dims3 input) =>
        new(number, key, name, Conv3dGeometry.Create(1, cin, input, cout, Dims3.Cube(3), padding: Dims3.Cube(1)));
}
