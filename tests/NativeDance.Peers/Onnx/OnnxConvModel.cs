using NativeDance.Tensors.Conv;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// Builds the bytes of an ONNX model holding one Conv node: input "x" [N, Cin, T, H, W], weight and bias as
/// initializers, output "y" [N, Cout, To, Ho, Wo].
/// </summary>
public static class OnnxConvModel
{
    /// <summary>Name of the model's input.</summary>
    public const string InputName = "x";

    /// <summary>Name of the model's output.</summary>
    public const string OutputName = "y";

    /// <summary>The model for <paramref name="geometry"/>.</summary>
    /// <param name="geometry">The convolution.</param>
    /// <param name="torchLayoutWeight">Weight as [Cout, Cin/groups, kT, kH, kW] (ONNX's layout, the same as PyTorch's).</param>
    /// <param name="bias">Bias [Cout], or empty for none.</param>
    public static byte[] Build(in Conv3dGeometry geometry, ReadOnlySpan<float> torchLayoutWeight, ReadOnlySpan<float> bias)
    {
        geometry.RequireLength("weight", torchLayoutWeight.Length, geometry.WeightLength, geometry.WeightShape);
        if (!bias.IsEmpty) geometry.RequireLength("bias", bias.Length, geometry.OutChannels, new NativeDance.Tensors.Shape(geometry.OutChannels));
        var g = geometry;
        var graph = new OnnxGraph();
        string weight = graph.Initializer("w", [g.OutChannels, g.InChannelsPerGroup, g.Kernel.T, g.Kernel.H, g.Kernel.W], torchLayoutWeight);
        string? biasName = bias.IsEmpty ? null : graph.Initializer("b", [g.OutChannels], bias);
        graph.Conv(InputName, g, weight, biasName, OutputName);
        return graph.Build("conv3d", InputName, [g.Batch, g.InChannels, g.Input.T, g.Input.H, g.Input.W],
            OutputName, [g.Batch, g.OutChannels, g.Output.T, g.Output.H, g.Output.W]);
    }
}
