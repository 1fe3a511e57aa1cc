using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using NativeDance.Tensors;

namespace NativeDance.Data.Video;

/// <summary>
/// An action-recognition dataset in the UCF101 / HMDB51 layout: class folders holding video files or folders of
/// extracted frames, with the official split lists. Each read runs ffmpeg on one video and samples
/// <see cref="ClipSpec.Frames"/> frames every <see cref="VideoClipOptions.FrameStride"/> frames from a random (training)
/// or centred window; videos shorter than the window loop. An unreadable video throws <see cref="ClipReadException"/>
/// naming it. Validation is carved per class from the training list, whole UCF101 groups (gNN) at a time.
/// </summary>
/// <example><code>var train = VideoFolderDataset.Ucf101("UCF101", "ucfTrainTestlist", fold: 1, DatasetSplit.Train);
/// var clip = new float[train.Spec.ElementCount];
/// int label = train.ReadClip(0, clip); // [16, 128, 171, 3], values in [0, 1]</code></example>
public sealed partial class VideoFolderDataset : ISeededClipDataset
{
    private const int MaxListedMissing = 5;
    private readonly VideoSource[] _sources;
    private readonly int[] _labels;
    private readonly VideoClipOptions _options;
    private readonly TemporalSampling _sampling;
    private readonly FfmpegDecoder _decoder;
    private readonly ConcurrentDictionary<int, int> _frameCounts = new();

    /// <summary>Creates the <paramref name="split"/> of <paramref name="lists"/> with videos under <paramref name="root"/>.</summary>
    /// <exception cref="FileNotFoundException">ffmpeg is missing (the message says how to install it) or listed videos are absent.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public VideoFolderDataset(string name, string root, VideoSplitList lists, DatasetSplit split, VideoClipOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        _options = options ?? new VideoClipOptions();
        _options.Validate();
        Name = name;
        Split = split;
        ClassNames = lists.ClassNames;
        _sampling = _options.Sampling ?? (split == DatasetSplit.Train ? TemporalSampling.Random : TemporalSampling.Centre);
        _decoder = new FfmpegDecoder(FfmpegTools.Locate(_options.FfmpegDirectory), _options.DecodeTimeout);

        var entries = SelectSplit(lists, split, _options);
        _labels = entries.Select(e => e.Label).ToArray();
        _sources = Resolve(root, entries);
    }

    /// <summary>UCF101: videos under <paramref name="root"/>, split lists (classInd.txt, trainlist0N.txt, testlist0N.txt) in <paramref name="splitDirectory"/>.</summary>
    public static VideoFolderDataset Ucf101(string root, string splitDirectory, int fold, DatasetSplit split, VideoClipOptions? options = null) =>
        new("ucf101", root, Ucf101SplitFiles.Read(splitDirectory, fold), split, options);

    /// <summary>HMDB51: videos under <paramref name="root"/>, split lists (&lt;class&gt;_test_splitN.txt) in <paramref name="splitDirectory"/>.</summary>
    public static VideoFolderDataset Hmdb51(string root, string splitDirectory, int fold, DatasetSplit split, VideoClipOptions? options = null) =>
        new("hmdb51", root, Hmdb51SplitFiles.Read(splitDirectory, fold), split, options);

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public DatasetSplit Split { get; }

    /// <inheritdoc />
    public int Count => _sources.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public ClipSpec Spec => _options.Spec;

    /// <summary>Actions keep their meaning when mirrored, so horizontal flips are valid augmentation.</summary>
    public bool IsFlipInvariant => true;

    /// <summary>The video file or frame folder clip <paramref name="index"/> reads.</summary>
    public string SourcePath(int index) => _sources[index].Path;

    /// <inheritdoc />
    public int ReadClip(int index, Span<float> destination) =>
        ReadClip(index, SeedMixer.Mix(_options.Seed, (ulong)index), destination);

    /// <inheritdoc />
    /// <exception cref="ClipReadException">The video cannot be read or decoded.</exception>
    public int ReadClip(int index, ulong sampleSeed, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var spec = Spec;
        if (destination.Length != spec.ElementCount)
            throw new ArgumentException($"Destination holds {destination.Length} floats; a {spec} clip needs {spec.ElementCount}.", nameof(destination));

        var source = _sources[index];
        string[]? frames = source.IsFrameFolder ? FrameFolder.ListFrames(source.Path) : null;
        int sourceFrames = frames?.Length ?? _frameCounts.GetOrAdd(index, static (i, self) => self._decoder.CountFrames(self._sources[i].Path), this);
        var rng = new SeededRandom(sampleSeed);
        var window = FrameWindow.Plan(sourceFrames, spec.Frames, _options.FrameStride, _sampling, ref rng);

        FrameDecoding.Decode(_decoder, source, frames, window, spec, fill: false, destination);
        return _labels[index];
    }

    private static VideoEntry[] SelectSplit(VideoSplitList lists, DatasetSplit split, VideoClipOptions options)
    {
        if (split == DatasetSplit.Test) return lists.Test.ToArray();
        var train = lists.Train;
        var groups = train.Select(e => GroupKey(e.RelativePath)).ToArray();
        var (kept, heldOut) = ValidationHoldOut.Split(train.Select(e => e.Label).ToArray(), groups, options.ValidationFraction, options.Seed);
        return (split == DatasetSplit.Train ? kept : heldOut).Select(i => train[i]).ToArray();
    }

    /// <summary>UCF101 cuts several clips from one recording (v_Class_g08_c01 .. c05): they share the group "Class/g08".</summary>
    private static string GroupKey(string relativePath)
    {
        var match = GroupPattern().Match(Path.GetFileName(relativePath));
        return match.Success ? $"{SplitFileReader.ClassFolder(relativePath)}/{match.Groups[1].Value}" : relativePath;
    }

    private static VideoSource[] Resolve(string root, VideoEntry[] entries)
    {
        var sources = new VideoSource[entries.Length];
        var missing = new List<string>();
        for (int i = 0; i < entries.Length; i++)
        {
            var source = VideoSource.Resolve(root, entries[i].RelativePath);
            if (source is null) missing.Add(entries[i].RelativePath);
            else sources[i] = source.Value;
        }
        if (missing.Count > 0)
        {
            string listed = string.Join(", ", missing.Take(MaxListedMissing));
            throw new FileNotFoundException(
                $"{missing.Count} of {entries.Length} listed videos are neither files nor frame folders under '{root}', e.g. {listed}.",
                Path.Combine(root, missing[0]));
        }
        return sources;
    }

    [GeneratedRegex(@"_(g\d+)_c\d+", RegexOptions.CultureInvariant)]
    private static partial Regex GroupPattern();
}
