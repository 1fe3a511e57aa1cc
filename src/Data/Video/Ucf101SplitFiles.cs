using System.Globalization;

namespace NativeDance.Data.Video;

/// <summary>
/// Parses UCF101's official split files (the <c>ucfTrainTestlist</c> folder): <c>classInd.txt</c> ("1 ApplyEyeMakeup"),
/// <c>trainlist0N.txt</c> ("ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1", 1-based label) and <c>testlist0N.txt</c>
/// (path only, the class comes from its folder). Class folders match case-insensitively, as the official lists need
/// (they spell one class both "HandstandPushups" and "HandStandPushups").
/// </summary>
/// <example><code>var lists = Ucf101SplitFiles.Read("ucfTrainTestlist", fold: 1); // 101 classes, 9537 train, 3783 test</code></example>
public static class Ucf101SplitFiles
{
    /// <summary>Reads fold <paramref name="fold"/> (1 to 3) from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A split file is missing.</exception>
    /// <exception cref="InvalidDataException">A line is malformed; the message names file and line.</exception>
    public static VideoSplitList Read(string directory, int fold)
    {
        if (fold is < 1 or > 3) throw new ArgumentException($"UCF101 has folds 1 to 3, got {fold}.", nameof(fold));
        var classes = ReadClassIndex(Path.Combine(directory, "classInd.txt"));
        var lookup = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < classes.Count; i++) lookup[classes[i]] = i;
        var train = ReadList(Path.Combine(directory, $"trainlist0{fold}.txt"), lookup, labelled: true);
        var test = ReadList(Path.Combine(directory, $"testlist0{fold}.txt"), lookup, labelled: false);
        return new VideoSplitList(classes, train, test);
    }

    private static List<string> ReadClassIndex(string path)
    {
        var classes = new List<string>();
        foreach (var (line, fields) in SplitFileReader.Read(path))
        {
            if (fields.Length != 2 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                throw SplitFileReader.Error(path, line, "expected '<class number> <class name>'");
            if (index != classes.Count + 1)
                throw SplitFileReader.Error(path, line, $"class number {index} is out of sequence; expected {classes.Count + 1}");
            classes.Add(fields[1]);
        }
        if (classes.Count == 0) throw new InvalidDataException($"{path}: no classes listed.");
        return classes;
    }

    private static List<VideoEntry> ReadList(string path, Dictionary<string, int> lookup, bool labelled)
    {
        var entries = new List<VideoEntry>();
        foreach (var (line, fields) in SplitFileReader.Read(path))
        {
            if (fields.Length > (labelled ? 2 : 1))
                throw SplitFileReader.Error(path, line, labelled ? "expected '<class>/<video> <class number>'" : "expected '<class>/<video>'");
            string relative = fields[0];
            string? folder = SplitFileReader.ClassFolder(relative);
            if (folder is null || !lookup.TryGetValue(folder, out int label))
                throw SplitFileReader.Error(path, line, $"'{relative}' is not inside a class folder listed in classInd.txt");
            if (fields.Length == 2)
            {
                if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                    throw SplitFileReader.Error(path, line, $"class number '{fields[1]}' is not an integer");
                if (number != label + 1)
                    throw SplitFileReader.Error(path, line, $"class number {number} disagrees with folder '{folder}' (class {label + 1})");
            }
            entries.Add(new VideoEntry(relative, label));
        }
        return entries;
    }
}
