using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;

namespace NativeDance.Models.Layers;

/// <summary>Max pooling over spatio-temporal windows of a channels-last activation.</summary>
public sealed class MaxPool3d(Dims3 kernel, Dims3? stride = null, Dims3? padding = null) : Module
{
    /// <summary>The pooling for an input of this shape.</summary>
    public Pool3dGeometry GeometryFor(Shape input) => PoolGeometry.For(input, kernel, stride ?? kernel, padding);

    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.MaxPool3d(input, GeometryFor(input.Shape));

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "") => GeometryFor(input).OutputShape;
}

/// <summary>Average pooling over spatio-temporal windows of a channels-last activation (padding counted, as in PyTorch).</summary>
public sealed class AvgPool3d(Dims3 kernel, Dims3? stride = null, Dims3? padding = null) : Module
{
    /// <summary>The pooling for an input of this shape.</summary>
    public Pool3dGeometry GeometryFor(Shape input) => PoolGeometry.For(input, kernel, stride ?? kernel, padding);

    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.AvgPool3d(input, GeometryFor(input.Shape));

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "") => GeometryFor(input).OutputShape;
}

/// <summary>AdaptiveAvgPool3d(1) followed by flattening: [N, T, H, W, C] to [N, C].</summary>
public sealed class GlobalAvgPool3d : Module
{
    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.GlobalAvgPool3d(input);

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        if (input.Rank != 5) throw new ArgumentException($"Global average pooling needs [N, T, H, W, C], got {input}.", nameof(input));
        return new Shape(input[0], input[4]);
    }
}

internal static class PoolGeometry
{
    public static Pool3dGeometry For(Shape input, Dims3 kernel, Dims3 stride, Dims3? padding)
    {
        if (input.Rank != 5) throw new ArgumentException($"3D pooling needs a channels-last [N, T, H, W, C] input, got {input}.", nameof(input));
        return Pool3dGeometry.Create(input[0], input[4], new Dims3(input[1], input[2], input[3]), kernel, stride, padding ?? Dims3.Cube(0));
    }
}
