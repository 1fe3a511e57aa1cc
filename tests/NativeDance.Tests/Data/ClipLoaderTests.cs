using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Procedural;
using NativeDance.Data.Transforms;

namespace NativeDance.Tests.Data;

public class ClipLoaderTests
{
    private static readonly ClipSpec Spec = new(2, 3, 4, 3);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Copies of every batch of an epoch: (step, labels, indices, clips).</summary>
    private static List<(int Step, int[] Labels, int[] Indices, float[] Clips)> Collect(ClipLoader loader, int epoch, int startStep = 0) =>
        loader.ReadEpoch(epoch, startStep, Token)
            .Select(b => (b.Step, b.Labels.ToArray(), b.DatasetIndices.ToArray(), b.Clips.ToArray()))
            .ToList();

    private static ClipTransformPipeline Pipeline(IClipDataset ds) =>
        new(ds, new Crop(2, 3, CropPosition.Random), new HorizontalFlip(), new Normalize([0.5f, 0.5f, 0.5f], [2f, 2f, 2f]));

    [Fact]
    public void EveryClipIsVisitedOncePerEpochInASeededShuffledOrder()
    {
        var ds = new FakeClipDataset(23, Spec);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 5, Seed = 3, Workers = 2 });
        Assert.Equal(5, loader.StepsPerEpoch);
        var epoch0 = Collect(loader, 0);
        var epoch1 = Collect(loader, 1);
        Assert.Equal([0, 1, 2, 3, 4], epoch0.Select(b => b.Step));
        Assert.Equal([5, 5, 5, 5, 3], epoch0.Select(b => b.Labels.Length));
        var order0 = epoch0.SelectMany(b => b.Indices).ToArray();
        var order1 = epoch1.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, 23), order0.Order());
        Assert.Equal(Enumerable.Range(0, 23), order1.Order());
        Assert.NotEqual(order0, order1);
        Assert.NotEqual(Enumerable.Range(0, 23), order0);

        int clipLength = Spec.ElementCount;
        foreach (var batch in epoch0)
        {
            Assert.Equal(batch.Indices.Select(i => i % 3), batch.Labels);
            for (int row = 0; row < batch.Indices.Length; row++)
                Assert.Equal(batch.Indices[row], Math.Floor(batch.Clips[row * clipLength]));
        }
    }

    [Fact]
    public void UnshuffledLoadingKeepsIndexOrderAndDropLastDropsTheTail()
    {
        var ds = new FakeClipDataset(23, Spec);
        using var ordered = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 5, Shuffle = false, DropLast = true });
        Assert.Equal(4, ordered.StepsPerEpoch);
        var batches = Collect(ordered, 2);
        Assert.Equal(Enumerable.Range(0, 20), batches.SelectMany(b => b.Indices));
        Assert.All(batches, b => Assert.Equal(5, b.Labels.Length));
    }

    [Fact]
    public void BatchesDependOnlyOnSeedEpochAndStepNotOnWorkersOrPrefetch()
    {
        var ds = new FakeClipDataset(37, Spec, flipInvariant: true);
        using var a = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 4, Seed = 11, Workers = 1, PrefetchBatches = 1 }, Pipeline(ds));
        using var b = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 4, Seed = 11, Workers = 3, PrefetchBatches = 4 }, Pipeline(ds));
        using var c = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 4, Seed = 12, Workers = 3 }, Pipeline(ds));
        var first = Collect(a, 3);
        var second = Collect(b, 3);
        Assert.Equal(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Indices, second[i].Indices);
            Assert.Equal(first[i].Labels, second[i].Labels);
            Assert.Equal(first[i].Clips, second[i].Clips);
        }
        Assert.NotEqual(first.SelectMany(x => x.Indices), Collect(c, 3).SelectMany(x => x.Indices));
        Assert.Equal(new ClipSpec(2, 2, 3, 3), a.ClipSpec);
        Assert.Equal([4, 2, 2, 3, 3], a.ReadEpoch(0, cancellationToken: Token).First().Clips.Shape.ToArray());
    }

    [Fact]
    public void ResumingAtAStepYieldsExactlyTheRemainingBatches()
    {
        var ds = new FakeClipDataset(29, Spec, flipInvariant: true);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 4, Seed = 5, Workers = 2 }, Pipeline(ds));
        var full = Collect(loader, 2);
        foreach (int start in new[] { 1, 4, 7, 8 })
        {
            var resumed = Collect(loader, 2, start);
            Assert.Equal(full.Count - start, resumed.Count);
            for (int i = 0; i < resumed.Count; i++)
            {
                Assert.Equal(full[start + i].Step, resumed[i].Step);
                Assert.Equal(full[start + i].Indices, resumed[i].Indices);
                Assert.Equal(full[start + i].Clips, resumed[i].Clips);
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadEpoch(0, 9, Token));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadEpoch(-1, 0, Token));
    }

    [Fact]
    public void SeededDatasetsGetFreshSamplesEachEpoch()
    {
        var ds = new FakeClipDataset(6, Spec);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 6, Shuffle = false });
        var epoch0 = Collect(loader, 0)[0].Clips;
        var epoch1 = Collect(loader, 1)[0].Clips;
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(epoch0, Collect(loader, 0)[0].Clips);
    }

    [Fact]
    public void UnreadableClipsAreSkippedAndCountedWhenAsked()
    {
        var ds = new FakeClipDataset(10, Spec) { Unreadable = [2, 3, 7] };
        int callbacks = 0;
        using var loader = new ClipLoader(ds, new ClipLoaderOptions
        {
            BatchSize = 4, Shuffle = false, SkipUnreadableClips = true, OnSkipped = _ => Interlocked.Increment(ref callbacks),
        });
        var batches = loader.ReadEpoch(0, cancellationToken: Token).Select(b => (b.Count, b.Skipped, Indices: b.DatasetIndices.ToArray(), Clips: b.Clips.ToArray(), Rows: b.Clips.Shape[0])).ToList();
        Assert.Equal([(2, 2), (3, 1), (2, 0)], batches.Select(b => (b.Count, b.Skipped)));
        Assert.Equal([0, 1, 4, 5, 6, 8, 9], batches.SelectMany(b => b.Indices));
        Assert.All(batches, b => Assert.Equal(b.Count, b.Rows));
        // Compaction moved each kept clip's data along with its index.
        Assert.All(batches, b => Assert.Equal(b.Indices, Enumerable.Range(0, b.Count).Select(r => (int)Math.Floor(b.Clips[r * Spec.ElementCount]))));
        Assert.Equal(3, loader.SkippedClips);
        Assert.Equal(3, callbacks);
    }

    [Fact]
    public void ErrorsReachTheConsumerAtTheirBatchAfterTheEarlierOnes()
    {
        var unreadable = new FakeClipDataset(12, Spec) { Unreadable = [9] };
        using (var loader = new ClipLoader(unreadable, new ClipLoaderOptions { BatchSize = 4, Shuffle = false, Workers = 2 }))
        {
            var steps = new List<int>();
            var error = Assert.Throws<ClipReadException>(() =>
            {
                foreach (var batch in loader.ReadEpoch(0, cancellationToken: Token)) steps.Add(batch.Step);
            });
            Assert.Equal([0, 1], steps);
            Assert.Equal("clip9.avi", error.SourcePath);
            Assert.Equal([0, 1], loader.ReadEpoch(1, cancellationToken: Token).Take(2).Select(b => b.Step)); // the loader stays usable
        }

        var broken = new FakeClipDataset(12, Spec) { Broken = [5] };
        using var skipping = new ClipLoader(broken, new ClipLoaderOptions { BatchSize = 4, Shuffle = false, SkipUnreadableClips = true });
        var bug = Assert.Throws<InvalidOperationException>(() => skipping.ReadEpoch(0, cancellationToken: Token).Count());
        Assert.Contains("dataset bug at 5", bug.Message);
        Assert.Contains(nameof(FakeClipDataset), bug.StackTrace); // the worker's stack is preserved
    }

    [Fact]
    public void PrefetchStaysWithinItsBoundWhileTheConsumerHoldsABatch()
    {
        var ds = new FakeClipDataset(100, Spec);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 5, PrefetchBatches = 2, Workers = 3 });
        using var batches = loader.ReadEpoch(0, cancellationToken: Token).GetEnumerator();
        Assert.True(batches.MoveNext());
        // The batch held plus two prefetched: the workers reach 15 clips and stop there until the consumer moves on.
        Assert.True(SpinWait.SpinUntil(() => ds.Reads >= 15, TimeSpan.FromSeconds(20)), $"only {ds.Reads} clips prefetched");
        Thread.Sleep(100);
        Assert.Equal(15, ds.Reads);
        Assert.True(batches.MoveNext());
        Assert.True(SpinWait.SpinUntil(() => ds.Reads >= 20, TimeSpan.FromSeconds(20)), $"only {ds.Reads} clips prefetched");
        Thread.Sleep(100);
        Assert.Equal(20, ds.Reads);
    }

    [Fact]
    public void CancellationStopsTheEpochAndLeavingEarlyStopsTheWorkers()
    {
        using var gate = new ManualResetEventSlim(false);
        var ds = new FakeClipDataset(40, Spec) { Gate = gate };
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 4, Workers = 2 });
        using var cancel = new CancellationTokenSource();
        // Leaving waits for the clips being read, so the blocked reads are released once the cancellation is under way.
        using var release = cancel.Token.Register(gate.Set);
        cancel.CancelAfter(100);
        Assert.ThrowsAny<OperationCanceledException>(() => loader.ReadEpoch(0, cancellationToken: cancel.Token).Count());
        Assert.Equal(loader.StepsPerEpoch, loader.ReadEpoch(0, cancellationToken: Token).Count());

        int readsAfterBreak;
        foreach (var _ in loader.ReadEpoch(1, cancellationToken: Token)) break;
        readsAfterBreak = ds.Reads;
        Thread.Sleep(100);
        Assert.Equal(readsAfterBreak, ds.Reads);
    }

    [Fact]
    public void OnlyOneEpochMayBeReadAtATime()
    {
        var ds = new FakeClipDataset(8, Spec);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 2 });
        using var first = loader.ReadEpoch(0, cancellationToken: Token).GetEnumerator();
        Assert.True(first.MoveNext());
        Assert.Throws<InvalidOperationException>(() => loader.ReadEpoch(1, cancellationToken: Token).First());
    }

    [Fact]
    public void SteadyStateLoadingAllocatesNothingOnConsumerOrWorkers()
    {
        var ds = new AllocationProbeDataset(64, Spec);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 4, Workers = 2, DropLast = true }, Pipeline(ds));
        loader.ReadEpoch(0, cancellationToken: Token).Count();
        // Two steady epochs: a thread's first wait on a contended lock may set up its wait state once (on a busy
        // machine that can fall inside the first measured epoch); an allocation per batch shows up in both.
        var consumerBytes = new long[2];
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            int step = 0;
            long mark = 0;
            foreach (var batch in loader.ReadEpoch(epoch, cancellationToken: Token))
            {
                if (step == 2) mark = GC.GetAllocatedBytesForCurrentThread();
                if (step == loader.StepsPerEpoch - 1) consumerBytes[epoch - 1] = GC.GetAllocatedBytesForCurrentThread() - mark;
                step++;
            }
        }
        Assert.True(consumerBytes.Min() == 0, $"the consumer allocated {consumerBytes[0]} and {consumerBytes[1]} bytes in two steady epochs");
        Assert.Equal(0, ds.WorkerBytesAfterWarmUp);
    }

    [Fact]
    public void LoadsTheProceduralDatasetEndToEnd()
    {
        var ds = new ProceduralVideoDataset(DatasetSplit.Train, 12, new ClipSpec(4, 16, 16, 3), seed: 2);
        using var loader = new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 5 }, ClipTransformPipeline.Standard(ds, 12, 12, training: true));
        var batches = Collect(loader, 0);
        Assert.Equal([5, 5, 2], batches.Select(b => b.Labels.Length));
        Assert.All(batches.SelectMany(b => b.Labels), l => Assert.InRange(l, 0, ds.ClassNames.Count - 1));
        Assert.All(batches.SelectMany(b => b.Clips), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var ds = new FakeClipDataset(8, Spec);
        Assert.Throws<ArgumentException>(() => new ClipLoader(ds, new ClipLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => new ClipLoader(ds, new ClipLoaderOptions { Workers = 0 }));
        Assert.Throws<ArgumentException>(() => new ClipLoader(ds, new ClipLoaderOptions { PrefetchBatches = 0 }));
        var other = new ClipTransformPipeline(new ClipSpec(2, 5, 5, 3), true);
        Assert.Throws<ArgumentException>(() => new ClipLoader(ds, new ClipLoaderOptions(), other));
    }

    /// <summary>Records, on each worker thread, the bytes allocated between consecutive reads after the first few.</summary>
    private sealed class AllocationProbeDataset(int count, ClipSpec spec) : IClipDataset
    {
        [ThreadStatic] private static long _lastBytes;
        [ThreadStatic] private static int _readsOnThread;
        private long _bytesAfterWarmUp;

        public long WorkerBytesAfterWarmUp => Interlocked.Read(ref _bytesAfterWarmUp);

        public string Name => "probe";

        public DatasetSplit Split => DatasetSplit.Train;

        public int Count => count;

        public IReadOnlyList<string> ClassNames { get; } = ["x"];

        public ClipSpec Spec => spec;

        public bool IsFlipInvariant => true;

        public int ReadClip(int index, Span<float> destination)
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (++_readsOnThread > 3) Interlocked.Add(ref _bytesAfterWarmUp, now - _lastBytes);
            destination.Fill(index);
            _lastBytes = GC.GetAllocatedBytesForCurrentThread();
            return 0;
        }
    }
}
