namespace NativeDance.Data.Video;

/// <summary>A folder of extracted frames (one image per frame), ordered by file name with numbers compared numerically.</summary>
internal static class FrameFolder
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm", ".tif", ".tiff", ".webp",
    };

    /// <summary>The image files of <paramref name="folder"/> in frame order.</summary>
    /// <exception cref="ClipReadException">The folder cannot be listed or holds no images.</exception>
    public static string[] ListFrames(string folder)
    {
        string[] files;
        try
        {
            files = Directory.EnumerateFiles(folder).Where(IsImage).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipReadException(folder, $"cannot list the frame folder: {e.Message}", e);
        }
        if (files.Length == 0) throw new ClipReadException(folder, "the frame folder holds no images");
        Array.Sort(files, NaturalStringComparer.Instance);
        return files;
    }

    /// <summary>Whether <paramref name="path"/> has an image file extension.</summary>
    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));
}
