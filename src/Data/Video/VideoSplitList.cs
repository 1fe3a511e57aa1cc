namespace NativeDance.Data.Video;

/// <summary>The class names and the training and test videos of one official split (fold) of an action dataset.</summary>
public sealed class VideoSplitList
{
    /// <summary>Creates a list; labels of the entries index <paramref name="classNames"/>.</summary>
    /// <exception cref="ArgumentException">An entry's label is not a class.</exception>
    public VideoSplitList(IReadOnlyList<string> classNames, IReadOnlyList<VideoEntry> train, IReadOnlyList<VideoEntry> test)
    {
        foreach (var entry in train.Concat(test))
        {
            if ((uint)entry.Label >= (uint)classNames.Count)
                throw new ArgumentException($"Entry '{entry.RelativePath}' has label {entry.Label}, outside the {classNames.Count} classes.");
        }
        ClassNames = classNames;
        Train = train;
        Test = test;
    }

    /// <summary>Class names; labels index this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The training videos (validation is carved from these).</summary>
    public IReadOnlyList<VideoEntry> Train { get; }

    /// <summary>The test videos.</summary>
    public IReadOnlyList<VideoEntry> Test { get; }
}
