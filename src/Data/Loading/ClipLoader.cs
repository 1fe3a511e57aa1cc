using NativeDance.Data.Transforms;
using NativeDance.Tensors;

namespace NativeDance.Data.Loading;

/// <summary>
/// Turns a clip dataset into batches [N, T, H, W, C] for training or evaluation. Background worker threads read and
/// transform the next batches while the consumer works on the current one; batch memory is pooled and reused, so
/// steady-state loading allocates nothing beyond what the dataset's decoding needs. Everything random (epoch order,
/// sample seeds for <see cref="ISeededClipDataset"/>, transforms) derives from (seed, epoch, position), so any
/// (epoch, step) can be resumed and yields exactly the batches an uninterrupted run would have.
/// </summary>
/// <example><code>using var loader = new ClipLoader(train, new ClipLoaderOptions { BatchSize = 32, Seed = 7 }, pipeline);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
///     foreach (var batch in loader.ReadEpoch(epoch))
///         Step(batch.Clips, batch.Labels);   // valid until the next batch</code></example>
public sealed class ClipLoader : IDisposable
{
    private const ulong SampleSalt = 0x5A3D_1E00_0001UL;
    private const ulong TransformSalt = 0x7A4F_0000_0002UL;
    private readonly ISeededClipDataset? _seeded;
    private readonly ClipBatch[] _slots;
    private readonly int[] _order;
    private long _skipped;
    private int _reading;
    private bool _disposed;

    /// <summary>Creates a loader over <paramref name="dataset"/>, optionally passing every clip through <paramref name="transforms"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid or the pipeline was built for another clip size.</exception>
    public ClipLoader(IClipDataset dataset, ClipLoaderOptions options, ClipTransformPipeline? transforms = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (transforms is not null && transforms.InputSpec != dataset.Spec)
            throw new ArgumentException($"The pipeline takes {transforms.InputSpec} clips but {dataset.Name} produces {dataset.Spec}.", nameof(transforms));
        Dataset = dataset;
        Options = options;
        Transforms = transforms;
        _seeded = dataset as ISeededClipDataset;
        ClipSpec = transforms?.OutputSpec ?? dataset.Spec;
        StepsPerEpoch = options.DropLast ? dataset.Count / options.BatchSize : (dataset.Count + options.BatchSize - 1) / options.BatchSize;
        _order = new int[dataset.Count];

        var shape = new Shape(options.BatchSize, ClipSpec.Frames, ClipSpec.Height, ClipSpec.Width, ClipSpec.Channels);
        _slots = new ClipBatch[options.PrefetchBatches + 1];
        for (int i = 0; i < _slots.Length; i++) _slots[i] = new ClipBatch(Tensor.Zeros(shape), options.BatchSize);
    }

    /// <summary>The dataset read.</summary>
    public IClipDataset Dataset { get; }

    /// <summary>The options in force.</summary>
    public ClipLoaderOptions Options { get; }

    /// <summary>The preprocessing, if any.</summary>
    public ClipTransformPipeline? Transforms { get; }

    /// <summary>Size of one clip of a batch (after the transforms).</summary>
    public ClipSpec ClipSpec { get; }

    /// <summary>Clips per full batch.</summary>
    public int BatchSize => Options.BatchSize;

    /// <summary>Batches per epoch: Count / N rounded down with <see cref="ClipLoaderOptions.DropLast"/>, up without.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>Clips skipped as unreadable since the loader was created.</summary>
    public long SkippedClips => Interlocked.Read(ref _skipped);

    /// <summary>
    /// The batches of <paramref name="epoch"/> from step <paramref name="startStep"/> on. Each batch is valid until the
    /// next is requested; leaving the loop early stops the workers. One epoch may be read at a time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative or the start step is outside [0, StepsPerEpoch].</exception>
    /// <exception cref="InvalidOperationException">Another epoch is being read.</exception>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    /// <exception cref="ClipReadException">A clip is unreadable and skipping is off (thrown when its batch is due).</exception>
    public IEnumerable<ClipBatch> ReadEpoch(int epoch, int startStep = 0, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startStep, StepsPerEpoch);
        return Enumerate(epoch, startStep, cancellationToken);
    }

    /// <summary>Frees the batch memory. Do not call while an epoch is being read.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var slot in _slots) slot.Release();
    }

    /// <summary>Reads one clip (and transforms it) into <paramref name="destination"/>; called by the workers.</summary>
    internal int ReadSample(int index, int epoch, int position, Span<float> destination, ClipWorkspace? workspace)
    {
        var target = workspace is null ? destination : workspace.Input;
        int label = _seeded is not null
            ? _seeded.ReadClip(index, SeedMixer.Mix(Options.Seed ^ SampleSalt, (ulong)epoch, (ulong)position), target)
            : Dataset.ReadClip(index, target);
        if (workspace is not null)
            Transforms!.Apply(workspace, destination, SeedMixer.Mix(Options.Seed ^ TransformSalt, (ulong)epoch, (ulong)position));
        return label;
    }

    internal void CountSkipped(ClipReadException exception)
    {
        Interlocked.Increment(ref _skipped);
        Options.OnSkipped?.Invoke(exception);
    }

    private IEnumerable<ClipBatch> Enumerate(int epoch, int startStep, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
            throw new InvalidOperationException("This loader is already reading an epoch; finish or leave that loop first.");
        try
        {
            if (startStep == StepsPerEpoch) yield break;
            EpochOrder.Fill(_order, Options.Shuffle, Options.Seed, epoch);
            using var run = new EpochRun(this, _slots, _order, epoch, startStep, Options.Workers);
            using var stopOnCancel = cancellationToken.Register(run.Stop);
            for (int step = startStep; step < StepsPerEpoch; step++)
                yield return run.Take(step, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
