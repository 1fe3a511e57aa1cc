using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using NativeDance.Tensors;

namespace NativeDance.Autograd;

/// <summary>
/// A tensor in the autograd graph. Leaves are parameters or inputs; every operation on variables that need
/// gradients records a node, and <see cref="Backward()"/> propagates d(output)/d(leaf) into each leaf's
/// <see cref="Grad"/>, accumulating across calls as in PyTorch.
/// </summary>
/// <example><code>var w = Variable.Parameter(Tensor.RandomNormal(new Shape(3), seed: 1));
/// var loss = Functional.Sum(w * w);
/// loss.Backward();              // w.Grad == 2 * w</code></example>
public sealed partial class Variable
{
    private bool _requiresGrad;

    private Variable(Tensor value, bool requiresGrad, Node? creator)
    {
        Value = value;
        Creator = creator;
        _requiresGrad = requiresGrad;
    }

    /// <summary>The value.</summary>
    public Tensor Value { get; }

    /// <summary>Accumulated gradient of a leaf that requires one; null until the first backward pass reaches it.</summary>
    public Tensor? Grad { get; private set; }

    /// <summary>
    /// Whether gradients flow to or through this variable. Leaves may be frozen or unfrozen (as PyTorch's
    /// requires_grad_); an operation's result keeps what it was recorded with.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf) throw new InvalidOperationException("Only leaf variables can be frozen or unfrozen.");
            _requiresGrad = value;
        }
    }

    /// <summary>Whether this variable was created by the user rather than by an operation.</summary>
    public bool IsLeaf => Creator is null;

    /// <summary>The shape of the value.</summary>
    public Shape Shape => Value.Shape;

    /// <summary>The operation that produced this variable (null for leaves).</summary>
    internal Node? Creator { get; }

    /// <summary>A trainable leaf: gradients accumulate into <see cref="Grad"/>. The variable does not own a copy of <paramref name="value"/>.</summary>
    public static Variable Parameter(Tensor value) => new(value, requiresGrad: true, creator: null);

    /// <summary>A leaf that never receives gradients (inputs, labels, frozen weights).</summary>
    public static Variable Constant(Tensor value) => new(value, requiresGrad: false, creator: null);

    /// <summary>
    /// The result of an operation. Records <paramref name="backward"/> when recording is enabled and any input
    /// needs gradients; the value is handed to the current <see cref="GraphScope"/>.
    /// </summary>
    public static Variable FromOperation(string operation, Tensor value, Variable[] inputs, BackwardFunction backward)
    {
        GraphScope.Track(value);
        bool needsGrad = GradMode.IsEnabled && inputs.Any(i => i.RequiresGrad);
        return new Variable(value, needsGrad, needsGrad ? new Node(operation, inputs, backward) : null);
    }

    /// <summary>A leaf sharing this variable's value, cut off from the graph.</summary>
    public Variable Detach() => Constant(Value);

    /// <summary>Forgets the accumulated gradient.</summary>
    public void ZeroGrad()
    {
        Grad?.Dispose();
        Grad = null;
    }

    /// <summary>Backpropagates from a one-element variable (a loss), seeding its gradient with 1.</summary>
    /// <exception cref="InvalidOperationException">The variable does not require gradients or has more than one element.</exception>
    public void Backward()
    {
        if (Value.ElementCount != 1)
            throw new InvalidOperationException($"Backward() without a gradient needs a one-element output, got shape {Shape}.");
        Backward(Tensor.Ones(Shape));
    }

    /// <summary>Backpropagates <paramref name="gradient"/> (same shape as the value; consumed by the call).</summary>
    /// <exception cref="InvalidOperationException">The variable does not require gradients.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the value's.</exception>
    public void Backward(Tensor gradient)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("Backward() on a variable that does not require gradients: no parameter contributed to it, or it was computed under GradMode.NoGrad().");
        if (gradient.Shape != Shape)
            throw new ArgumentException($"Gradient shape {gradient.Shape} does not match output shape {Shape}.", nameof(gradient));
        var pending = new Dictionary<Variable, Tensor>(ReferenceEqualityComparer.Instance) { [this] = gradient };
        foreach (var v in TopologicalOrder())
        {
            if (!pending.Remove(v, out var grad)) continue;
            if (v.Creator is null)
            {
                v.Accumulate(grad);
                continue;
            }
            var inputGrads = v.Creator.Backward(grad);
            grad.Dispose();
            var inputs = v.Creator.Inputs;
            for (int i = 0; i < inputs.Length; i++)
            {
                var g = inputGrads[i];
                if (g is null) continue;
                if (!inputs[i].RequiresGrad)
                {
                    g.Dispose();
                    continue;
                }
                if (g.Shape != inputs[i].Shape)
                    throw new InvalidOperationException($"Backward of {v.Creator.Operation} produced a gradient of shape {g.Shape} for an input of shape {inputs[i].Shape}.");
                if (pending.Remove(inputs[i], out var existing))
                {
                    pending[inputs[i]] = existing + g;
                    existing.Dispose();
                    g.Dispose();
                }
                else
                {
                    pending[inputs[i]] = g;
                }
            }
        }
        foreach (var leftover in pending.Values) leftover.Dispose();
    }

    /// <summary>Adds <paramref name="grad"/> into this leaf's own gradient buffer (never shared with another leaf).</summary>
    private void Accumulate(Tensor grad)
    {
        if (Grad is null)
        {
            Grad = grad.Clone();
        }
        else
        {
            using var dense = grad.Contiguous();
            TensorPrimitives.Add(Grad.Span, dense.Span, Grad.Span);
        }
        grad.Dispose();
    }

    /// <summary>Every variable that requires gradients and leads to this one, outputs before inputs.</summary>
    private List<Variable> TopologicalOrder()
    {
        var order = new List<Variable>();
        var visited = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Variable Node, bool Expanded)>();
        stack.Push((this, false));
        while (stack.Count > 0)
        {
            var (v, expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(v);
                continue;
            }
            if (!visited.Add(v)) continue;
            stack.Push((v, true));
            if (v.Creator is null) continue;
            foreach (var input in v.Creator.Inputs)
                if (input.RequiresGrad && !visited.Contains(input)) stack.Push((input, false));
        }
        order.Reverse();
        return order;
    }
}
