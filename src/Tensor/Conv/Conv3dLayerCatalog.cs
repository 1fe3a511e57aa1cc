namespace NativeDance.Tensors.Conv;

/// <summary>A named convolution layer of a real video model, used by benchmarks and peer comparisons.</summary>
/// <param name="Name">Short identifier, e.g. <c>c3d-conv2</c>.</param>
/// <param name="Description">Where the layer comes from and its shape.</param>
/// <param name="Geometry">The convolution (N = 1).</param>
public sealed record Conv3dLayer(string Name, string Description, Conv3dGeometry Geometry)
{
    /// <summary>Floating-point operations of one dense forward pass (2 per multiply-accumulate).</summary>
    public double ForwardFlops => 2.0 * Geometry.DenseMacs;
}

/// <summary>
/// The seven layers the engine-core benchmark measures: the big C3D / R3D-18 layers where libtorch is near the
/// machine's FMA peak, and the small-channel or small-spatial ones where its fallback path is weak.
/// </summary>
public static class Conv3dLayerCatalog
{
    /// <summary>All seven layers, in the issue's order.</summary>
    public static IReadOnlyList<Conv3dLayer> All { get; } =
    [
        Cube3("c3d-conv1", "C3D conv1 3->64, 16x112x112", 3, 64, new Dims3(16, 112, 112)),
        Cube3("c3d-conv2", "C3D conv2 64->128, 16x56x56", 64, 128, new Dims3(16, 56, 56)),
        Cube3("c3d-conv3a", "C3D conv3a 128->256, 8x28x28", 128, 256, new Dims3(8, 28, 28)),
        Cube3("r3d-layer2", "R3D-18 layer2 128->128, 8x28x28", 128, 128, new Dims3(8, 28, 28)),
        Cube3("r3d-layer4", "R3D-18 layer4 512->512, 2x7x7", 512, 512, new Dims3(2, 7, 7)),
        Cube3("small-clip", "small clip 32->64, 16x32x32", 32, 64, new Dims3(16, 32, 32)),
        new("r2plus1d-temporal", "R(2+1)D temporal 3x1x1 pad (1,0,0), 144->64, 8x28x28",
            Conv3dGeometry.Create(1, 144, new Dims3(8, 28, 28), 64, new Dims3(3, 1, 1), padding: new Dims3(1, 0, 0))),
    ];

    /// <summary>Finds a layer by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No layer has that name; the message lists the known names.</exception>
    public static Conv3dLayer Find(string name) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown layer '{name}'. Known layers: {string.Join(", ", All.Select(l => l.Name))}.", nameof(name));

    private static Conv3dLayer Cube3(string name, string description, int cin, int cout, Dims3 input) =>
        new(name, description, Conv3dGeometry.Create(1, cin, input, cout, Dims3.Cube(3), padding: Dims3.Cube(1)));
}
