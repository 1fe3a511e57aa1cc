namespace NativeDance.Autograd;

/// <summary>
/// Whether operations record the graph for backpropagation on the current thread. Recording is on by default;
/// <see cref="NoGrad"/> turns it off for a scope (evaluation, optimiser updates, statistics).
/// </summary>
/// <example><code>using (GradMode.NoGrad())
/// {
///     var logits = model.Forward(clip); // no graph is kept
/// }</code></example>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True when new operations record their inputs for backpropagation.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables recording until the returned scope is disposed. Scopes nest.</summary>
    public static NoGradScope NoGrad()
    {
        _disabledDepth++;
        return new NoGradScope();
    }

    /// <summary>Re-enables recording when disposed (on the thread that created it).</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Ends the scope.</summary>
        public void Dispose() => _disabledDepth--;
    }
}
