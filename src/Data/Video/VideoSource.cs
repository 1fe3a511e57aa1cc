namespace NativeDance.Data.Video;

/// <summary>Where a listed video lives on disk: a video file, or a folder of its extracted frames.</summary>
internal readonly record struct VideoSource(string Path, bool IsFrameFolder)
{
    /// <summary>
    /// Resolves <paramref name="relativePath"/> under <paramref name="root"/>: the file itself, else a folder named like it
    /// without its extension (the usual frame-extraction layout), else a folder with the full name. Null when none exists.
    /// </summary>
    public static VideoSource? Resolve(string root, string relativePath)
    {
        string path = System.IO.Path.Combine(root, relativePath.Replace('\\', '/').Replace('/', System.IO.Path.DirectorySeparatorChar));
        if (File.Exists(path)) return new VideoSource(path, false);
        string withoutExtension = System.IO.Path.ChangeExtension(path, null);
        if (Directory.Exists(withoutExtension)) return new VideoSource(withoutExtension, true);
        if (Directory.Exists(path)) return new VideoSource(path, true);
        return null;
    }
}
