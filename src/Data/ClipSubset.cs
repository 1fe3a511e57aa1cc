using NativeDance.Tensors;

namespace NativeDance.Data;

/// <summary>
/// A fixed, seeded random subset of another dataset's clips (for time-boxed runs on large datasets): the same clips for
/// the same seed, classes in their natural proportions.
/// </summary>
public sealed class ClipSubset : IClipDataset
{
    private readonly IClipDataset _source;
    private readonly int[] _indices;

    /// <summary>Takes <paramref name="count"/> clips of <paramref name="source"/> (all of them when it has fewer).</summary>
    public ClipSubset(IClipDataset source, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _source = source;
        var order = Enumerable.Range(0, source.Count).ToArray();
        var rng = new SeededRandom(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        _indices = order[..Math.Min(count, order.Length)];
        Array.Sort(_indices);
    }

    /// <inheritdoc />
    public string Name => _source.Name;

    /// <inheritdoc />
    public DatasetSplit Split => _source.Split;

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc />
    public ClipSpec Spec => _source.Spec;

    /// <inheritdoc />
    public bool IsFlipInvariant => _source.IsFlipInvariant;

    /// <inheritdoc />
    public int ReadClip(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _source.ReadClip(_indices[index], destination);
    }
}
