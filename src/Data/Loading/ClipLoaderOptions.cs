namespace NativeDance.Data.Loading;

/// <summary>How a <see cref="ClipLoader"/> batches, orders and prefetches clips.</summary>
public sealed record ClipLoaderOptions
{
    /// <summary>Clips per batch (N).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Visit clips in a new seeded order every epoch (training) instead of index order (evaluation).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Fixes the epoch orders, the sample seeds passed to seeded datasets and the transform randomness.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Leave out the last, smaller batch of an epoch.</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Skip clips whose source cannot be read (<see cref="ClipReadException"/>): their batch comes out smaller and
    /// <see cref="ClipLoader.SkippedClips"/> counts them. Off: the exception reaches the consumer.
    /// </summary>
    public bool SkipUnreadableClips { get; init; }

    /// <summary>Called on a worker thread for every skipped clip (for logging); must be thread-safe.</summary>
    public Action<ClipReadException>? OnSkipped { get; init; }

    /// <summary>Batches prepared ahead of the one the consumer holds.</summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>Background threads reading and transforming clips.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"Batch size must be positive, got {BatchSize}.", nameof(BatchSize));
        if (PrefetchBatches < 1) throw new ArgumentException($"Prefetch depth must be positive, got {PrefetchBatches}.", nameof(PrefetchBatches));
        if (Workers < 1) throw new ArgumentException($"Worker count must be positive, got {Workers}.", nameof(Workers));
    }
}
