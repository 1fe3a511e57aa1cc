using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Tensors;
using Conv3d = NativeDance.Models.Layers.Conv3d;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// Exports a zoo model (<see cref="PlainConvNet"/>: tiny C3D, C3D; <see cref="VideoResNet"/>: R3D-18, MC3-18,
/// R(2+1)D-18) with its current weights as an ONNX inference graph for one clip [1, 3, T, H, W]: Conv, BatchNormalization
/// (eval statistics; ONNX Runtime folds it into the conv), Relu, MaxPool, Add for the residuals, GlobalAveragePool,
/// Flatten and Gemm, output "logits" [1, classes]. Our layouts are converted here and only here: conv weights from
/// [kT, kH, kW, Cin, Cout] to [Cout, Cin, kT, kH, kW]; C3D's first fully connected layer reads its features in our
/// channels-last order, so the graph transposes pool5's output to [N, T, H, W, C] before flattening.
/// </summary>
public sealed class OnnxVideoNet
{
    /// <summary>Name of the model's input, a clip [1, 3, T, H, W].</summary>
    public const string InputName = "clip";

    /// <summary>Name of the model's output, the logits [1, classes].</summary>
    public const string OutputName = "logits";

    private readonly OnnxGraph _graph = new();
    private readonly Dictionary<object, string> _names;
    private int _values;

    private OnnxVideoNet(Module model) =>
        _names = model.NamedParameters().ToDictionary(p => (object)p.Parameter, p => p.Name, ReferenceEqualityComparer.Instance);

    /// <summary>The ONNX model of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    /// <returns>The ModelProto bytes, the input shape [1, 3, T, H, W] and the output shape [1, classes].</returns>
    /// <exception cref="ArgumentException">The model is not a zoo model the exporter knows, or holds a layer it cannot export.</exception>
    public static (byte[] Model, long[] InputDims, long[] OutputDims) Export(Module model, int frames, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(model);
        var exporter = new OnnxVideoNet(model);
        var clip = new Shape(1, frames, height, width, 3);
        var (logits, classes) = model switch
        {
            PlainConvNet plain => exporter.Plain(plain, InputName, clip),
            VideoResNet resnet => exporter.Residual(resnet, InputName, clip),
            _ => throw new ArgumentException($"The ONNX exporter knows the zoo's {nameof(PlainConvNet)} and {nameof(VideoResNet)}, not a {model.GetType().Name}.", nameof(model)),
        };
        exporter._graph.Node("Identity", [logits], OutputName);
        long[] inputDims = [1, 3, frames, height, width];
        return (exporter._graph.Build(model.GetType().Name, InputName, inputDims, OutputName, [1, classes]), inputDims, [1, classes]);
    }

    private (string Logits, int Classes) Plain(PlainConvNet model, string x, Shape shape)
    {
        foreach (var (conv, norm, pool) in model.Stages)
        {
            x = Conv(conv, x, ref shape);
            if (norm is not null) x = BatchNorm(norm, x);
            x = Op("Relu", x);
            if (pool is not null) x = MaxPool(pool, x, ref shape);
        }
        x = model.GlobalPool
            ? Op("GlobalAveragePool", x)
            : _graph.Node("Transpose", [x], Value(), OnnxAttribute.Of("perm", 0, 2, 3, 4, 1));
        return Classifier(model.FullyConnected, _graph.Node("Flatten", [x], Value(), OnnxAttribute.Of("axis", 1L)));
    }

    private (string Logits, int Classes) Residual(VideoResNet model, string x, Shape shape)
    {
        Linear? fc = null;
        foreach (var (name, child) in model.Children)
        {
            switch (child)
            {
                case Sequential stem when name == "stem":
                    x = Unit(stem, x, ref shape);
                    break;
                case Sequential layer:
                    foreach (var block in layer.Layers.Cast<BasicBlock>()) x = Block(block, x, ref shape);
                    break;
                case Linear linear:
                    fc = linear;
                    break;
            }
        }
        var pooled = _graph.Node("Flatten", [Op("GlobalAveragePool", x)], Value(), OnnxAttribute.Of("axis", 1L));
        return Classifier([fc ?? throw new ArgumentException("The video ResNet has no 'fc' classifier.", nameof(model))], pooled);
    }

    /// <summary>relu(conv2(conv1(x)) + shortcut(x)).</summary>
    private string Block(BasicBlock block, string x, ref Shape shape)
    {
        var input = shape;
        var main = Unit(block.Conv2, Unit(block.Conv1, x, ref shape), ref shape);
        var shortcut = block.Children.FirstOrDefault(c => c.Name == "downsample").Module is Sequential downsample
            ? Unit(downsample, x, ref input)
            : x;
        return Op("Relu", _graph.Node("Add", [main, shortcut], Value()));
    }

    private string Unit(Sequential unit, string x, ref Shape shape)
    {
        foreach (var layer in unit.Layers)
        {
            x = layer switch
            {
                Conv3d conv => Conv(conv, x, ref shape),
                BatchNorm3d norm => BatchNorm(norm, x),
                ReLU => Op("Relu", x),
                MaxPool3d pool => MaxPool(pool, x, ref shape),
                Sequential nested => Unit(nested, x, ref shape),
                _ => throw new ArgumentException($"The ONNX exporter cannot export a {layer.GetType().Name} inside a {nameof(Sequential)}.", nameof(unit)),
            };
        }
        return x;
    }

    private string Conv(Conv3d conv, string x, ref Shape shape)
    {
        var g = conv.GeometryFor(shape);
        string name = Prefix(conv.Weight);
        using var torchLayout = conv.Weight.Value.ConvWeightToTorch();
        string weight = _graph.Initializer($"{name}.weight", [g.OutChannels, g.InChannelsPerGroup, g.Kernel.T, g.Kernel.H, g.Kernel.W], torchLayout.Span);
        string? bias = conv.Bias is { } b ? Initializer(b) : null;
        shape = g.OutputShape;
        return _graph.Conv(x, g, weight, bias, Value());
    }

    private string BatchNorm(BatchNorm3d norm, string x)
    {
        string name = Prefix(norm.Weight);
        string mean = _graph.Initializer($"{name}.running_mean", [norm.Channels], norm.State.Mean.ToArray());
        string variance = _graph.Initializer($"{name}.running_var", [norm.Channels], norm.State.Variance.ToArray());
        return _graph.Node("BatchNormalization", [x, Initializer(norm.Weight), Initializer(norm.Bias), mean, variance], Value(),
            OnnxAttribute.Of("epsilon", norm.Options.Epsilon));
    }

    private string MaxPool(MaxPool3d pool, string x, ref Shape shape)
    {
        var g = pool.GeometryFor(shape);
        shape = g.OutputShape;
        return _graph.Node("MaxPool", [x], Value(),
            OnnxAttribute.Of("kernel_shape", g.Kernel.T, g.Kernel.H, g.Kernel.W),
            OnnxAttribute.Of("strides", g.Stride.T, g.Stride.H, g.Stride.W),
            OnnxAttribute.Of("dilations", g.Dilation.T, g.Dilation.H, g.Dilation.W),
            OnnxAttribute.Of("pads", g.Padding.T, g.Padding.H, g.Padding.W, g.Padding.T, g.Padding.H, g.Padding.W));
    }

    /// <summary>The fully connected layers, ReLU between them (dropout is the identity at inference).</summary>
    private (string Logits, int Classes) Classifier(IReadOnlyList<Linear> layers, string x)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            var fc = layers[i];
            string weight = _graph.Initializer(_names[fc.Weight], [fc.OutFeatures, fc.InFeatures], fc.Weight.Value.ToArray());
            x = _graph.Node("Gemm", fc.Bias is { } b ? [x, weight, Initializer(b)] : [x, weight], Value(), OnnxAttribute.Of("transB", 1L));
            if (i < layers.Count - 1) x = Op("Relu", x);
        }
        return (x, layers[^1].OutFeatures);
    }

    private string Initializer(Variable parameter)
    {
        var shape = parameter.Value.Shape;
        return _graph.Initializer(_names[parameter], [.. shape.Dims.ToArray().Select(d => (long)d)], parameter.Value.ToArray());
    }

    private string Op(string opType, string x) => _graph.Node(opType, [x], Value());

    private string Prefix(Variable weight) => _names[weight][..^".weight".Length];

    private string Value() => $"v{_values++}";
}
