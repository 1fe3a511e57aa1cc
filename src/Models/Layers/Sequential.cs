using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Models.Layers;

/// <summary>Modules applied in order, named "0", "1", ... as in PyTorch's nn.Sequential.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the chain.</summary>
    public Sequential(params Module[] layers)
    {
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>Adds a module at the end, named by its position.</summary>
    public Sequential Append(Module layer)
    {
        AddModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <inheritdoc />
    public override Variable Forward(Variable input)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        var shape = input;
        for (int i = 0; i < _layers.Count; i++) shape = _layers[i].InferShape(shape, costs, Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return shape;
    }

    internal static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
