using NativeDance.Autograd;
using NativeDance.Tensors;

namespace NativeDance.Models.Modules;

/// <summary>
/// A building block of a network with named parameters, buffers and child modules, in PyTorch's style: names
/// nest with dots (<c>layer1.0.conv1.weight</c>), <see cref="Train"/> and <see cref="Eval"/> switch modes
/// recursively, and the state dictionary is what checkpoints store.
/// </summary>
public abstract class Module
{
    private readonly List<NamedParameter> _parameters = [];
    private readonly List<NamedBuffer> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];

    /// <summary>Whether the module is in training mode (batch statistics, dropout active).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Runs the module.</summary>
    public abstract Variable Forward(Variable input);

    /// <summary>
    /// The output shape for an input of <paramref name="input"/>'s shape, without computing anything; layers that do
    /// arithmetic add their cost to <paramref name="costs"/> under their dotted name (prefixed by <paramref name="path"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The input shape does not fit the module.</exception>
    public abstract Shape InferShape(Shape input, List<LayerCost> costs, string path = "");

    /// <summary>Switches this module and its children to training mode.</summary>
    public Module Train()
    {
        SetMode(true);
        return this;
    }

    /// <summary>Switches this module and its children to evaluation mode.</summary>
    public Module Eval()
    {
        SetMode(false);
        return this;
    }

    /// <summary>Every parameter with its dotted name and PyTorch layout, depth first in registration order.</summary>
    public IEnumerable<NamedParameter> NamedParameters() =>
        Walk(m => m._parameters.Select(p => (p.Name, p))).Select(p => p.Value with { Name = p.Name });

    /// <summary>Every buffer (running statistics and counters) with its dotted name.</summary>
    public IEnumerable<NamedBuffer> NamedBuffers() =>
        Walk(m => m._buffers.Select(b => (b.Name, b))).Select(b => b.Value with { Name = b.Name });

    /// <summary>The trainable parameters.</summary>
    public IEnumerable<Variable> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>This module's descendants (not itself), depth first.</summary>
    public IEnumerable<Module> Descendants() => _children.SelectMany(c => c.Value.Descendants().Prepend(c.Value));

    /// <summary>Direct children with their names.</summary>
    public IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Value.ElementCount);

    /// <summary>Stops (or restarts) gradient computation for every parameter, e.g. to train a controller on a frozen backbone.</summary>
    public void SetTrainable(bool trainable)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = trainable;
            if (!trainable) p.ZeroGrad();
        }
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Registers a trainable parameter under <paramref name="name"/>.</summary>
    protected Variable AddParameter(string name, Tensor value, TorchLayout layout = TorchLayout.Same)
    {
        RequireNewName(name);
        var parameter = Variable.Parameter(value);
        _parameters.Add(new NamedParameter(name, parameter, layout));
        return parameter;
    }

    /// <summary>
    /// Registers a non-trainable buffer (e.g. running statistics) under <paramref name="name"/>. A counter holds a whole
    /// number and is stored in checkpoints as a 64-bit integer, as PyTorch stores num_batches_tracked.
    /// </summary>
    protected Tensor AddBuffer(string name, Tensor value, bool isCounter = false)
    {
        RequireNewName(name);
        _buffers.Add(new NamedBuffer(name, value, isCounter));
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T AddModule<T>(string name, T module) where T : Module
    {
        RequireNewName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>Called when the mode changes; override to react (the base records it).</summary>
    protected virtual void OnModeChanged()
    {
    }

    private void SetMode(bool training)
    {
        IsTraining = training;
        OnModeChanged();
        foreach (var (_, child) in _children) child.SetMode(training);
    }

    private IEnumerable<(string Name, T Value)> Walk<T>(Func<Module, IEnumerable<(string Name, T Value)>> select, string prefix = "")
    {
        foreach (var (name, value) in select(this)) yield return (prefix + name, value);
        foreach (var (name, child) in _children)
        foreach (var item in child.Walk(select, $"{prefix}{name}."))
            yield return item;
    }

    private void RequireNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"Module member name '{name}' must be non-empty and contain no dot.", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'.", nameof(name));
    }
}

/// <summary>A parameter with its dotted name and how its layout maps to PyTorch's.</summary>
/// <param name="Name">Dotted name, e.g. <c>layer1.0.conv1.weight</c>.</param>
/// <param name="Parameter">The trainable variable.</param>
/// <param name="Layout">Layout mapping used by checkpoints.</param>
public sealed record NamedParameter(string Name, Variable Parameter, TorchLayout Layout);

/// <summary>A buffer with its dotted name.</summary>
/// <param name="Name">Dotted name, e.g. <c>layer1.0.conv1.1.running_mean</c>.</param>
/// <param name="Buffer">The tensor, updated in place.</param>
/// <param name="IsCounter">Whether it holds a whole number stored as a 64-bit integer.</param>
public sealed record NamedBuffer(string Name, Tensor Buffer, bool IsCounter);
