using System.Globalization;
using System.Text;

namespace NativeDance.Data.Video;

/// <summary>
/// Decodes video files and frame folders to packed rgb24 frames at a fixed size by running ffmpeg with a raw-frame
/// pipe (<c>-f rawvideo -pix_fmt rgb24 -vf scale=W:H</c>). Each call is one child process, so calls are thread-safe.
/// Frame counts of video files come from ffprobe's packet count (demuxing only, no decoding).
/// </summary>
internal sealed class FfmpegDecoder(FfmpegTools tools, TimeSpan timeout)
{
    /// <summary>Number of video frames in <paramref name="videoPath"/>.</summary>
    /// <exception cref="ClipReadException">ffprobe fails or reports no frames.</exception>
    public int CountFrames(string videoPath)
    {
        string[] arguments =
        [
            "-v", "error", "-select_streams", "v:0", "-count_packets",
            "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", FileUrl(videoPath),
        ];
        using var run = FfmpegProcess.Start(tools.Ffprobe, arguments, videoPath, timeout);
        string text;
        using (var reader = new StreamReader(run.Output, Encoding.UTF8, leaveOpen: true)) text = reader.ReadToEnd().Trim();
        run.Finish();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int frames) || frames <= 0)
            throw run.Fail(text.Length == 0 ? "the file has no video stream" : $"ffprobe reported '{text}' video frames");
        return frames;
    }

    /// <summary>
    /// Decodes the frames of <paramref name="window"/> (First, First + Step, ...) from a video file into
    /// <paramref name="rgb"/>, one packed [height, width, 3] frame after another. <paramref name="fill"/>: scale to cover
    /// width x height with the aspect ratio kept, then crop the centre; otherwise stretch to width x height.
    /// </summary>
    /// <returns>The number of frames decoded; fewer than asked when the video ends early.</returns>
    /// <exception cref="ClipReadException">ffmpeg fails.</exception>
    public int DecodeVideo(string videoPath, FrameWindow window, int width, int height, Span<byte> rgb, bool fill = false)
    {
        int last = window.First + (window.DecodeCount - 1) * window.Step;
        string select = window.Step == 1
            ? $"select='between(n,{window.First},{last})'"
            : $"select='between(n,{window.First},{last})*not(mod(n-{window.First},{window.Step}))'";
        var arguments = new List<string> { "-v", "error", "-nostdin", "-i", FileUrl(videoPath), "-map", "0:v:0", "-vf", $"{select},{(fill ? Fill(width, height) : Scale(width, height))}" };
        return Run(arguments, videoPath, input: null, window.DecodeCount, width, height, rgb);
    }

    /// <summary>Decodes the image files <paramref name="frames"/>, in order, into <paramref name="rgb"/>.</summary>
    /// <exception cref="ClipReadException">ffmpeg fails or some images do not decode.</exception>
    public int DecodeImages(string folder, IReadOnlyList<string> frames, int width, int height, Span<byte> rgb)
    {
        // The concat demuxer reads the file list from stdin; "file:" URLs with quoting keep any path literal.
        var list = new StringBuilder("ffconcat version 1.0\n");
        foreach (string frame in frames)
        {
            if (frame.Contains('\n') || frame.Contains('\r'))
                throw new ClipReadException(frame, "image paths with line breaks cannot be passed to ffmpeg");
            list.Append("file '").Append(FileUrl(frame).Replace("'", @"'\''", StringComparison.Ordinal)).Append("'\n");
        }
        var arguments = new List<string>
        {
            "-v", "error", "-nostdin", "-protocol_whitelist", "file,pipe", "-f", "concat", "-safe", "0", "-i", "pipe:0",
            "-vf", Scale(width, height),
        };
        int decoded = Run(arguments, folder, list.ToString(), frames.Count, width, height, rgb);
        if (decoded != frames.Count)
            throw new ClipReadException(folder, $"only {decoded} of {frames.Count} images decoded; some frames are corrupt or not images");
        return decoded;
    }

    private int Run(List<string> arguments, string sourcePath, string? input, int frames, int width, int height, Span<byte> rgb)
    {
        int frameBytes = width * height * 3;
        if (rgb.Length < frames * frameBytes)
            throw new ArgumentException($"Frame buffer holds {rgb.Length} bytes; {frames} frames of {width}x{height} need {frames * frameBytes}.", nameof(rgb));
        arguments.AddRange(["-an", "-vsync", "passthrough", "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        using var run = FfmpegProcess.Start(tools.Ffmpeg, arguments, sourcePath, timeout, input);
        int bytes = run.Output.ReadAtLeast(rgb[..(frames * frameBytes)], frames * frameBytes, throwOnEndOfStream: false);
        run.Finish();
        if (bytes % frameBytes != 0)
            throw run.Fail($"ffmpeg ended inside a frame ({bytes} bytes for {width}x{height} rgb24 frames)");
        if (bytes == 0) throw run.Fail("no frame could be decoded");
        return bytes / frameBytes;
    }

    private static string Scale(int width, int height) => $"scale={width}:{height}";

    private static string Fill(int width, int height) => $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}";

    /// <summary>An absolute "file:" URL, so names starting with '-' or containing ':' are never read as options or protocols.</summary>
    private static string FileUrl(string path) => "file:" + Path.GetFullPath(path);
}
