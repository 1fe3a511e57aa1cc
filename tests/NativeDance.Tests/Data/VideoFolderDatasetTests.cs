using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Video;

namespace NativeDance.Tests.Data;

public sealed class VideoFolderDatasetTests(VideoFixture videos) : IClassFixture<VideoFixture>
{
    private static readonly string[] Sources = ["ramp/long.avi", "ramp/short.mkv", "ramp/frames.avi", "ramp/-it's odd", "ramp/corrupt.avi", "ramp/badframes"];

    /// <summary>All sources in the test split, in the order above, one class each.</summary>
    private VideoFolderDataset Dataset(int frames, int stride, TemporalSampling sampling = TemporalSampling.Centre) =>
        new("fixture", videos.Root,
            new VideoSplitList(Sources.Select(s => s.Replace('/', '_')).ToArray(), [], Sources.Select((s, i) => new VideoEntry(s, i)).ToArray()),
            DatasetSplit.Test,
            new VideoClipOptions { Spec = new ClipSpec(frames, 6, 8, 3), FrameStride = stride, Sampling = sampling });

    private static int[] FrameNumbers(IClipDataset ds, int index, ulong? seed = null)
    {
        var clip = new float[ds.Spec.ElementCount];
        int label = seed is ulong s ? ((ISeededClipDataset)ds).ReadClip(index, s, clip) : ds.ReadClip(index, clip);
        Assert.Equal(index, label);
        int frame = ds.Spec.Height * ds.Spec.Width * 3;
        return Enumerable.Range(0, ds.Spec.Frames).Select(t => VideoFixture.FrameNumber(clip.AsSpan(t * frame, frame))).ToArray();
    }

    [Fact]
    public void CentredWindowOfAVideoFileTakesEveryStrideFrame()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        // 20 frames, 4 taken every 2: the window spans 7 frames, centred start (20 - 7) / 2 = 6.
        Assert.Equal([6, 8, 10, 12], FrameNumbers(Dataset(4, 2), 0));
        Assert.Equal(Enumerable.Range(0, 20), FrameNumbers(Dataset(20, 1), 0));
    }

    [Fact]
    public void RandomWindowsAreSeededAndStayInsideTheVideo()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        var ds = Dataset(4, 3, TemporalSampling.Random);
        var starts = new HashSet<int>();
        for (ulong seed = 0; seed < 6; seed++)
        {
            var frames = FrameNumbers(ds, 0, seed);
            Assert.Equal(Enumerable.Range(0, 4).Select(k => frames[0] + 3 * k), frames);
            Assert.InRange(frames[0], 0, 20 - 10);
            Assert.Equal(frames, FrameNumbers(ds, 0, seed));
            starts.Add(frames[0]);
        }
        Assert.True(starts.Count >= 3, $"six seeds gave only {starts.Count} distinct starts");
    }

    [Fact]
    public void ShortVideosLoop()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2], FrameNumbers(Dataset(8, 1), 1));
        Assert.Equal([0, 2, 4, 1, 3, 0], FrameNumbers(Dataset(6, 2), 1));
    }

    [Fact]
    public void FrameFoldersDecodeInNumericOrderWhateverTheirNames()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        // frame1.png .. frame12.png; 4 every 3 spans 10 of 12 frames, centred start 1.
        var ds = Dataset(4, 3);
        Assert.Equal([1, 4, 7, 10], FrameNumbers(ds, 2));
        Assert.Equal([1, 4, 7, 10], FrameNumbers(ds, 3)); // "-it's odd": quoting and option-like names
        Assert.EndsWith("frames", ds.SourcePath(2));
    }

    [Fact]
    public void UnreadableSourcesThrowClipReadExceptionNamingThem()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        var ds = Dataset(4, 1);
        var clip = new float[ds.Spec.ElementCount];
        var video = Assert.Throws<ClipReadException>(() => ds.ReadClip(4, clip));
        Assert.Equal(ds.SourcePath(4), video.SourcePath);
        Assert.Contains("corrupt.avi", video.Message);
        var folder = Assert.Throws<ClipReadException>(() => ds.ReadClip(5, clip));
        Assert.Equal(ds.SourcePath(5), folder.SourcePath);
        Assert.Contains("badframes", folder.Message);
    }

    [Fact]
    public void LoaderSkipsUnreadableClipsWhenToldAndOtherwiseSurfacesTheError()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        var ds = Dataset(4, 1);
        var skipped = new List<string>();
        var options = new ClipLoaderOptions { BatchSize = 4, Shuffle = false, Workers = 2, SkipUnreadableClips = true, OnSkipped = e => { lock (skipped) skipped.Add(e.SourcePath); } };
        using (var loader = new ClipLoader(ds, options))
        {
            var labels = loader.ReadEpoch(0, cancellationToken: TestContext.Current.CancellationToken).SelectMany(b => b.Labels.ToArray()).ToArray();
            Assert.Equal([0, 1, 2, 3], labels);
            Assert.Equal(2, loader.SkippedClips);
            Assert.Equal(new[] { ds.SourcePath(4), ds.SourcePath(5) }.Order(), skipped.Order());
        }
        using (var loader = new ClipLoader(ds, options with { SkipUnreadableClips = false }))
        {
            int delivered = 0;
            var error = Assert.Throws<ClipReadException>(() =>
            {
                foreach (var batch in loader.ReadEpoch(0, cancellationToken: TestContext.Current.CancellationToken)) delivered += batch.Count;
            });
            Assert.Equal(4, delivered); // the first batch is fine; the second holds the corrupt video
            Assert.Equal(ds.SourcePath(4), error.SourcePath);
        }
    }

    [Fact]
    public void Ucf101AndHmdb51LayoutsResolveFilesAndFrameFolders()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        using var splits = new TempDirectory();
        File.WriteAllText(splits.Combine("classInd.txt"), "1 ramp\n");
        File.WriteAllText(splits.Combine("trainlist01.txt"), "ramp/long.avi 1\nramp/frames.avi 1\nramp/short.mkv 1\n");
        File.WriteAllText(splits.Combine("testlist01.txt"), "ramp/frames.avi\n");
        var options = new VideoClipOptions { Spec = new ClipSpec(2, 6, 8, 3), ValidationFraction = 0.34 };
        var train = VideoFolderDataset.Ucf101(videos.Root, splits.Path, 1, DatasetSplit.Train, options);
        var validation = VideoFolderDataset.Ucf101(videos.Root, splits.Path, 1, DatasetSplit.Validation, options);
        var test = VideoFolderDataset.Ucf101(videos.Root, splits.Path, 1, DatasetSplit.Test, options);
        Assert.Equal((2, 1, 1), (train.Count, validation.Count, test.Count));
        Assert.Equal("ucf101", test.Name);
        Assert.EndsWith("frames", test.SourcePath(0));
        Assert.Equal(0, test.ReadClip(0, new float[test.Spec.ElementCount]));

        File.WriteAllText(splits.Combine("ramp_test_split1.txt"), "long.avi 1\nshort.mkv 2\nframes.avi 0\n");
        var hmdb = VideoFolderDataset.Hmdb51(videos.Root, splits.Path, 1, DatasetSplit.Test, options);
        Assert.EndsWith("short.mkv", hmdb.SourcePath(0));

        File.WriteAllText(splits.Combine("testlist01.txt"), "ramp/missing.avi\n");
        var error = Assert.Throws<FileNotFoundException>(() => VideoFolderDataset.Ucf101(videos.Root, splits.Path, 1, DatasetSplit.Test, options));
        Assert.Contains("ramp/missing.avi", error.Message);
    }

    [Fact]
    public void MissingFfmpegExplainsHowToInstallIt()
    {
        using var empty = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => new VideoFolderDataset("x", empty.Path, new VideoSplitList(["a"], [], []), DatasetSplit.Test,
            new VideoClipOptions { FfmpegDirectory = empty.Path }));
        Assert.Contains("sudo apt-get install ffmpeg", error.Message);
        Assert.Contains(empty.Path, error.Message);
    }
}
