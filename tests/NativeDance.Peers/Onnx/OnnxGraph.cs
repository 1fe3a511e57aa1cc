using System.Runtime.InteropServices;
using NativeDance.Tensors.Conv;

namespace NativeDance.Peers.Onnx;

/// <summary>One attribute of an ONNX node: an integer, a list of integers or a float.</summary>
public readonly record struct OnnxAttribute(string Name, long[]? Ints, long Int, float? Float)
{
    /// <summary>An INT attribute.</summary>
    public static OnnxAttribute Of(string name, long value) => new(name, null, value, null);

    /// <summary>An INTS attribute.</summary>
    public static OnnxAttribute Of(string name, params long[] values) => new(name, values, 0, null);

    /// <summary>A FLOAT attribute.</summary>
    public static OnnxAttribute Of(string name, float value) => new(name, null, 0, value);
}

/// <summary>
/// An ONNX graph built in code (opset 17, float tensors only): initializers and nodes are appended in the order given
/// (nodes must come in topological order), then <see cref="Build"/> encodes the ModelProto with one input and one
/// output. Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
/// ValueInfoProto, TypeProto, TensorShapeProto).
/// </summary>
public sealed class OnnxGraph
{
    private const long IrVersion = 8;
    private const long OpsetVersion = 17;
    private const int FloatElementType = 1;
    private const int FloatAttribute = 1;
    private const int IntAttribute = 2;
    private const int IntsAttribute = 7;

    private readonly ProtobufWriter _graph = new();
    private int _nodes;

    /// <summary>Adds a float initializer <paramref name="name"/> of shape <paramref name="dims"/>; returns its name.</summary>
    /// <exception cref="ArgumentException">The value count does not match the shape.</exception>
    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (values.Length != count)
            throw new ArgumentException($"Initializer '{name}' of shape [{string.Join(", ", dims)}] needs {count} values, got {values.Length}.", nameof(values));
        byte[] raw = MemoryMarshal.AsBytes(values).ToArray();
        // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
        _graph.Message(5, t => t.Varints(1, dims).Varint(2, FloatElementType).String(8, name).Bytes(9, raw));
        return name;
    }

    /// <summary>Appends a node of the default domain computing <paramref name="output"/>; returns the output's name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string output, params OnnxAttribute[] attributes)
    {
        string name = $"{opType.ToLowerInvariant()}_{_nodes++}";
        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
        _graph.Message(1, node =>
        {
            foreach (string input in inputs) node.String(1, input);
            node.String(2, output).String(3, name).String(4, opType);
            foreach (var a in attributes) node.Message(5, attribute => Attribute(attribute, a));
        });
        return output;
    }

    /// <summary>A Conv node for <paramref name="g"/> (input [N, Cin, T, H, W], weight [Cout, Cin/groups, kT, kH, kW]).</summary>
    public string Conv(string input, in Conv3dGeometry g, string weight, string? bias, string output) =>
        Node("Conv", bias is null ? [input, weight] : [input, weight, bias], output,
            OnnxAttribute.Of("kernel_shape", g.Kernel.T, g.Kernel.H, g.Kernel.W),
            OnnxAttribute.Of("strides", g.Stride.T, g.Stride.H, g.Stride.W),
            OnnxAttribute.Of("dilations", g.Dilation.T, g.Dilation.H, g.Dilation.W),
            OnnxAttribute.Of("pads", g.Padding.T, g.Padding.H, g.Padding.W, g.Padding.T, g.Padding.H, g.Padding.W),
            OnnxAttribute.Of("group", (long)g.Groups));

    /// <summary>The ModelProto bytes: the graph with float input <paramref name="input"/> and output <paramref name="output"/>.</summary>
    public byte[] Build(string graphName, string input, long[] inputDims, string output, long[] outputDims) =>
        new ProtobufWriter()
            .Varint(1, IrVersion)                                    // ModelProto.ir_version
            .String(2, "NativeDance.Peers")                           // ModelProto.producer_name
            .Message(7, graph =>                                      // ModelProto.graph
            {
                graph.Append(_graph);                                 // nodes (1) and initializers (5)
                graph.String(2, graphName);                           // GraphProto.name
                graph.Message(11, v => ValueInfo(v, input, inputDims));   // GraphProto.input
                graph.Message(12, v => ValueInfo(v, output, outputDims)); // GraphProto.output
            })
            .Message(8, opset => opset.Varint(2, OpsetVersion))      // ModelProto.opset_import (default domain)
            .ToArray();

    // AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20.
    private static void Attribute(ProtobufWriter attribute, OnnxAttribute a)
    {
        attribute.String(1, a.Name);
        if (a.Ints is { } ints) attribute.Varint(20, IntsAttribute).Varints(8, ints);
        else if (a.Float is { } f) attribute.Varint(20, FloatAttribute).Float(2, f);
        else attribute.Varint(20, IntAttribute).Varint(3, a.Int);
    }

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
