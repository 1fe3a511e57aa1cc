using NativeDance.Tensors;

namespace NativeDance.Data.Loading;

/// <summary>
/// One batch from a <see cref="ClipLoader"/>: clips [Count, T, H, W, C] and their labels. The loader reuses the
/// object and its memory, so a batch is valid only until the enumeration moves to the next one.
/// </summary>
public sealed class ClipBatch
{
    private readonly Tensor _full;
    private readonly int[] _labels;
    private readonly int[] _indices;
    private readonly bool[] _read;
    private Tensor? _partial;

    internal ClipBatch(Tensor full, int batchSize)
    {
        _full = full;
        _labels = new int[batchSize];
        _indices = new int[batchSize];
        _read = new bool[batchSize];
    }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; private set; }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Step { get; private set; }

    /// <summary>Clips in the batch: the batch size, or fewer for an epoch's last batch or after skipped clips (possibly 0).</summary>
    public int Count { get; private set; }

    /// <summary>Clips of this batch that were skipped as unreadable.</summary>
    public int Skipped { get; private set; }

    /// <summary>The clips, [Count, T, H, W, C]. Do not dispose: the loader owns it.</summary>
    public Tensor Clips => _partial ?? _full;

    /// <summary>The label of each clip.</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, Count);

    /// <summary>The dataset index of each clip.</summary>
    public ReadOnlySpan<int> DatasetIndices => _indices.AsSpan(0, Count);

    internal Span<float> Row(int row)
    {
        int length = _full.ElementCount / _labels.Length;
        return _full.Span.Slice(row * length, length);
    }

    internal void Store(int row, int label, int datasetIndex)
    {
        _labels[row] = label;
        _indices[row] = datasetIndex;
        _read[row] = true;
    }

    internal void MarkSkipped(int row) => _read[row] = false;

    /// <summary>Starts reuse for another batch.</summary>
    internal void Reset()
    {
        _partial?.Dispose();
        _partial = null;
        Array.Clear(_read);
    }

    /// <summary>Moves the clips that were read to the front (keeping their order) and publishes the batch's identity.</summary>
    internal void Publish(int epoch, int step, int rows)
    {
        int kept = 0;
        for (int row = 0; row < rows; row++)
        {
            if (!_read[row]) continue;
            if (kept != row)
            {
                Row(row).CopyTo(Row(kept));
                _labels[kept] = _labels[row];
                _indices[kept] = _indices[row];
            }
            kept++;
        }
        Epoch = epoch;
        Step = step;
        Count = kept;
        Skipped = rows - kept;
        if (kept != _labels.Length) _partial = _full.Slice(0, 0, kept);
    }

    internal void Release()
    {
        _partial?.Dispose();
        _partial = null;
        _full.Dispose();
    }
}
