namespace NativeDance.Models.Modules;

/// <summary>The arithmetic of one layer for one input: multiply-accumulates, parameters and output size.</summary>
/// <param name="Name">Dotted module name, e.g. <c>layer2.0.conv1.0</c>.</param>
/// <param name="Kind">Layer type, e.g. <c>Conv3d</c>.</param>
/// <param name="Macs">Multiply-accumulates of the dense forward pass.</param>
/// <param name="Parameters">Trainable scalars of the layer.</param>
/// <param name="Output">Output shape.</param>
public sealed record LayerCost(string Name, string Kind, long Macs, long Parameters, NativeDance.Tensors.Shape Output);
