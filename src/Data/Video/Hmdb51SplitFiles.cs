namespace NativeDance.Data.Video;

/// <summary>
/// Parses HMDB51's official split files (the <c>testTrainMulti_7030_splits</c> folder): one
/// <c>&lt;class&gt;_test_split&lt;N&gt;.txt</c> per class and fold, each line "video.avi M" with M = 1 for training,
/// 2 for test and 0 for unused. Classes are the file-name prefixes in ordinal order; videos live in <c>&lt;class&gt;/</c>.
/// </summary>
/// <example><code>var lists = Hmdb51SplitFiles.Read("testTrainMulti_7030_splits", fold: 1); // 51 classes, 3570 train, 1530 test</code></example>
public static class Hmdb51SplitFiles
{
    private const string Marker = "_test_split";

    /// <summary>Reads fold <paramref name="fold"/> (1 to 3) from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">The directory holds no split file for the fold.</exception>
    /// <exception cref="InvalidDataException">A line is malformed; the message names file and line.</exception>
    public static VideoSplitList Read(string directory, int fold)
    {
        if (fold is < 1 or > 3) throw new ArgumentException($"HMDB51 has folds 1 to 3, got {fold}.", nameof(fold));
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"HMDB51 split directory '{directory}' does not exist.");
        string suffix = $"{Marker}{fold}.txt";
        var files = Directory.EnumerateFiles(directory, $"*{suffix}")
            .Select(path => (Path: path, Class: Path.GetFileName(path)[..^suffix.Length]))
            .Where(f => f.Class.Length > 0)
            .OrderBy(f => f.Class, StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
            throw new FileNotFoundException($"No HMDB51 split files '*{suffix}' in '{directory}'.", Path.Combine(directory, $"*{suffix}"));

        var train = new List<VideoEntry>();
        var test = new List<VideoEntry>();
        for (int label = 0; label < files.Length; label++)
        {
            var (path, name) = files[label];
            foreach (var (line, fields) in SplitFileReader.Read(path))
            {
                if (fields.Length != 2)
                    throw SplitFileReader.Error(path, line, "expected '<video> <0|1|2>'");
                var entry = new VideoEntry($"{name}/{fields[0]}", label);
                switch (fields[1])
                {
                    case "1": train.Add(entry); break;
                    case "2": test.Add(entry); break;
                    case "0": break;
                    default: throw SplitFileReader.Error(path, line, $"marker '{fields[1]}' is not 0 (unused), 1 (train) or 2 (test)");
                }
            }
        }
        return new VideoSplitList(files.Select(f => f.Class).ToArray(), train, test);
    }
}
