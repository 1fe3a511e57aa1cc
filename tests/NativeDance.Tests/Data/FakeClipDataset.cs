using NativeDance.Data;

namespace NativeDance.Tests.Data;

/// <summary>
/// A dataset for loader tests: clip i is filled with values identifying (i, sample seed), label i mod 3; chosen
/// indices throw a <see cref="ClipReadException"/> or another exception. Counts its reads.
/// </summary>
internal sealed class FakeClipDataset(int count, ClipSpec spec, bool flipInvariant = false) : ISeededClipDataset
{
    private int _reads;

    public HashSet<int> Unreadable { get; init; } = [];

    public HashSet<int> Broken { get; init; } = [];

    /// <summary>Blocks every read until set (for prefetch-bound tests).</summary>
    public ManualResetEventSlim? Gate { get; init; }

    public int Reads => Volatile.Read(ref _reads);

    public string Name => "fake";

    public DatasetSplit Split => DatasetSplit.Train;

    public int Count => count;

    public IReadOnlyList<string> ClassNames { get; } = ["a", "b", "c"];

    public ClipSpec Spec => spec;

    public bool IsFlipInvariant => flipInvariant;

    public int ReadClip(int index, Span<float> destination) => ReadClip(index, 0, destination);

    public int ReadClip(int index, ulong sampleSeed, Span<float> destination)
    {
        Gate?.Wait();
        Interlocked.Increment(ref _reads);
        if (Unreadable.Contains(index)) throw new ClipReadException($"clip{index}.avi", "test corruption");
        if (Broken.Contains(index)) throw new InvalidOperationException($"dataset bug at {index}");
        for (int i = 0; i < destination.Length; i++) destination[i] = index + (sampleSeed % 1000) / 1000f + i * 1e-6f;
        return index % 3;
    }
}
