namespace NativeDance.Tensors.Threading;

/// <summary>
/// The work of one parallel loop: <see cref="Invoke"/> runs iteration <c>index</c>. Implementations are
/// unmanaged structs (pointers and sizes), so a loop is dispatched to the workers without allocating.
/// </summary>
public interface IParallelBody
{
    /// <summary>Runs iteration <paramref name="index"/>; iterations may run in any order and concurrently.</summary>
    void Invoke(int index);
}
