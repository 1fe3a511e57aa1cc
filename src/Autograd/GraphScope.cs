using NativeDance.Tensors;

namespace NativeDance.Autograd;

/// <summary>
/// An arena for one step of computation: every tensor that operations create while the scope is current is
/// released when the scope is disposed, so a training step returns all of its activations and gradients to the
/// pool at once instead of waiting for the garbage collector. Parameters (leaf variables) are never owned by a scope.
/// Scopes nest per thread; tensors belong to the innermost one.
/// </summary>
/// <example><code>using (new GraphScope())
/// {
///     var loss = Functional.CrossEntropy(model.Forward(x), labels);
///     loss.Backward();
///     optimizer.Step();
/// } // activations and intermediate gradients are freed here</code></example>
public sealed class GraphScope : IDisposable
{
    [ThreadStatic] private static GraphScope? _current;
    private readonly GraphScope? _outer;
    private readonly List<Tensor> _owned = [];
    private bool _disposed;

    /// <summary>Opens a scope on the current thread.</summary>
    public GraphScope()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>Number of tensors the scope will release.</summary>
    public int OwnedCount => _owned.Count;

    /// <summary>Hands <paramref name="tensor"/> to the current scope, if any, and returns it (for tensors an operation saves for its backward pass).</summary>
    public static Tensor Track(Tensor tensor)
    {
        _current?._owned.Add(tensor);
        return tensor;
    }

    /// <summary>Releases every tensor created in the scope and makes the enclosing scope current again.</summary>
    /// <exception cref="InvalidOperationException">An inner scope is still open.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (_current != this)
            throw new InvalidOperationException("GraphScope disposed out of order: an inner scope is still open.");
        _disposed = true;
        _current = _outer;
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
    }
}
