namespace NativeDance.Data;

/// <summary>
/// A clip's source (a video file, a frame folder) could not be read or decoded. Loaders may be told to skip
/// such clips and count them; any other exception always stops the loader.
/// </summary>
public sealed class ClipReadException : IOException
{
    /// <summary>Creates the exception for <paramref name="sourcePath"/> with the reason in <paramref name="detail"/>.</summary>
    public ClipReadException(string sourcePath, string detail, Exception? inner = null)
        : base($"Cannot read clip '{sourcePath}': {detail}", inner)
    {
        SourcePath = sourcePath;
    }

    /// <summary>The file or folder that failed.</summary>
    public string SourcePath { get; }
}
