using System.Runtime.InteropServices;
using NativeDance.Tensors.Conv;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// Builds the bytes of an ONNX model holding one Conv node: input "x" [N, Cin, T, H, W], weight and bias as
/// initializers, output "y" [N, Cout, To, Ho, Wo]. Field numbers follow onnx.proto (ModelProto, GraphProto,
/// NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).
/// </summary>
public static class OnnxConvModel
{
    /// <summary>Name of the model's input.</summary>
    public const string InputName = "x";

    /// <summary>Name of the model's output.</summary>
    public const string OutputName = "y";

    private const long IrVersion = 8;
    private const long OpsetVersion = 17;
    private const int FloatElementType = 1;
    private const int IntAttribute = 2;
    private const int IntsAttribute = 7;

    /// <summary>The model for <paramref name="geometry"/>.</summary>
    /// <param name="geometry">The convolution.</param>
    /// <param name="torchLayoutWeight">Weight as [Cout, Cin/groups, kT, kH, kW] (ONNX's layout, the same as PyTorch's).</param>
    /// <param name="bias">Bias [Cout], or empty for none.</param>
    public static byte[] Build(in Conv3dGeometry geometry, ReadOnlySpan<float> torchLayoutWeight, ReadOnlySpan<float> bias)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        geometry.RequireLength("weight", torchLayoutWeight.Length, geometry.WeightLength, geometry.WeightShape);
        if (!bias.IsEmpty) geometry.RequireLength("bias", bias.Length, geometry.OutChannels, new NativeDance.Tensors.Shape(geometry.OutChannels));
        var g = geometry;
        byte[] weightBytes = MemoryMarshal.AsBytes(torchLayoutWeight).ToArray();
        byte[] biasBytes = MemoryMarshal.AsBytes(bias).ToArray();
        long[] weightDims = [g.OutChannels, g.InChannelsPerGroup, g.Kernel.T, g.Kernel.H, g.Kernel.W];
        long[] inputDims = [g.Batch, g.InChannels, g.Input.T, g.Input.H, g.Input.W];
        long[] outputDims = [g.Batch, g.OutChannels, g.Output.T, g.Output.H, g.Output.W];
        bool hasBias = !bias.IsEmpty;

        return new ProtobufWriter()
            .Varint(1, IrVersion)                                    // ModelProto.ir_version
            .String(2, "NativeDance.Peers")                           // ModelProto.producer_name
            .Message(7, graph =>                                      // ModelProto.graph
            {
                graph.Message(1, node =>                              // GraphProto.node
                {
                    node.String(1, InputName).String(1, "w");         // NodeProto.input
                    if (hasBias) node.String(1, "b");
                    node.String(2, OutputName)                        // NodeProto.output
                        .String(3, "conv")                            // NodeProto.name
                        .String(4, "Conv")                            // NodeProto.op_type
                        .Message(5, a => Ints(a, "kernel_shape", g.Kernel.T, g.Kernel.H, g.Kernel.W))
                        .Message(5, a => Ints(a, "strides", g.Stride.T, g.Stride.H, g.Stride.W))
                        .Message(5, a => Ints(a, "dilations", g.Dilation.T, g.Dilation.H, g.Dilation.W))
                        .Message(5, a => Ints(a, "pads", g.Padding.T, g.Padding.H, g.Padding.W, g.Padding.T, g.Padding.H, g.Padding.W))
                        .Message(5, a => a.String(1, "group").Varint(20, IntAttribute).Varint(3, g.Groups));
                });
                graph.String(2, "conv3d");                            // GraphProto.name
                graph.Message(5, t => Initializer(t, "w", weightDims, weightBytes));
                if (hasBias) graph.Message(5, t => Initializer(t, "b", [g.OutChannels], biasBytes));
                graph.Message(11, v => ValueInfo(v, InputName, inputDims));   // GraphProto.input
                graph.Message(12, v => ValueInfo(v, OutputName, outputDims)); // GraphProto.output
            })
            .Message(8, opset => opset.Varint(2, OpsetVersion))      // ModelProto.opset_import (default domain)
            .ToArray();
    }

    // AttributeProto: name = 1, ints = 8, type = 20.
    private static void Ints(ProtobufWriter attribute, string name, params long[] values) =>
        attribute.String(1, name).Varint(20, IntsAttribute).Varints(8, values);

    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
    private static void Initializer(ProtobufWriter tensor, string name, long[] dims, byte[] rawData) =>
        tensor.Varints(1, dims).Varint(2, FloatElementType).String(8, name).Bytes(9, rawData);

    // ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1, shape = 2: { dim = 1: { dim_value = 1 } } } } }.
    private static void ValueInfo(ProtobufWriter info, string name, long[] dims) =>
        info.String(1, name).Message(2, type => type.Message(1, tensorType =>
        {
            tensorType.Varint(1, FloatElementType);
            tensorType.Message(2, shape =>
            {
                foreach (long d in dims) shape.Message(1, dim => dim.Varint(1, d));
            });
        }));
}
