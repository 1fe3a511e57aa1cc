namespace NativeDance.Data.Video;

/// <summary>The <c>ffmpeg</c> and <c>ffprobe</c> executables (both in Debian's <c>ffmpeg</c> package).</summary>
internal sealed record FfmpegTools(string Ffmpeg, string Ffprobe)
{
    /// <summary>
    /// Finds the tools in <paramref name="directory"/> if given, else on PATH.
    /// </summary>
    /// <exception cref="FileNotFoundException">A tool is missing; the message says how to install it.</exception>
    public static FfmpegTools Locate(string? directory = null) => new(Find("ffmpeg", directory), Find("ffprobe", directory));

    private static string Find(string tool, string? directory)
    {
        string executable = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        var folders = directory is not null
            ? [directory]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, executable);
            if (File.Exists(candidate)) return candidate;
        }
        string where = directory is not null ? $"in '{directory}'" : "on PATH";
        throw new FileNotFoundException(
            $"{tool} was not found {where}; video datasets decode through it. Install it with `sudo apt-get install ffmpeg` " +
            "(Debian/Ubuntu; the package holds ffmpeg and ffprobe) or point the dataset's FfmpegDirectory option at the folder that has both.",
            executable);
    }
}
