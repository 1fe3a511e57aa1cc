using NativeDance.Data.Loading;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>Clips [N, T, H, W, C] with their labels.</summary>
/// <param name="Clips">The clips.</param>
/// <param name="Labels">One label per clip.</param>
public sealed record LabeledBatch(Tensor Clips, int[] Labels)
{
    /// <summary>The batches of one pass over <paramref name="loader"/>; each is valid until the next is read.</summary>
    public static IEnumerable<LabeledBatch> Stream(ClipLoader loader, CancellationToken cancellation = default)
    {
        foreach (var batch in loader.ReadEpoch(0, cancellationToken: cancellation))
            if (batch.Count > 0) yield return new LabeledBatch(batch.Clips, batch.Labels.ToArray());
    }
}

/// <summary>
/// A few batches copied out of a loader and kept, so a knob search can evaluate them many times without re-reading
/// or re-rendering clips. Dispose to release the copies.
/// </summary>
public sealed class CachedBatches : IDisposable
{
    private readonly List<LabeledBatch> _batches = [];

    /// <summary>Copies the first batches of <paramref name="loader"/> (epoch 0) until at least <paramref name="clips"/> clips are held.</summary>
    /// <exception cref="ArgumentException"><paramref name="clips"/> is not positive or the loader yields no clip.</exception>
    public CachedBatches(ClipLoader loader, int clips, CancellationToken cancellation = default)
    {
        if (clips < 1) throw new ArgumentException($"A cached set needs at least one clip, got {clips}.", nameof(clips));
        foreach (var batch in LabeledBatch.Stream(loader, cancellation))
        {
            _batches.Add(new LabeledBatch(batch.Clips.Clone(), batch.Labels));
            Count += batch.Labels.Length;
            if (Count >= clips) break;
        }
        if (Count == 0) throw new ArgumentException($"The {loader.Dataset.Split} loader yielded no clips to tune on.", nameof(loader));
    }

    /// <summary>Clips held.</summary>
    public int Count { get; }

    /// <summary>The batches.</summary>
    public IReadOnlyList<LabeledBatch> Batches => _batches;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var b in _batches) b.Clips.Dispose();
        _batches.Clear();
    }
}
