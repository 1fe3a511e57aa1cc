using System.Diagnostics;

namespace NativeDance.Tests.Data;

/// <summary>
/// Small videos and frame folders generated with ffmpeg once per test class. Every frame is a flat grey of
/// 16 + 10 n (n = frame number from 0), so a decoded clip tells which source frames it holds.
/// </summary>
public sealed class VideoFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public VideoFixture()
    {
        Available = FindOnPath("ffmpeg") && FindOnPath("ffprobe");
        if (!Available) return;
        Directory.CreateDirectory(Combine("ramp"));
        Generate(20, Combine("ramp", "long.avi"));
        Generate(5, Combine("ramp", "short.mkv"));
        Directory.CreateDirectory(Combine("ramp", "frames"));
        Generate(12, Combine("ramp", "frames", "frame%d.png"), "-start_number", "1");
        Directory.CreateDirectory(Combine("ramp", "-it's odd"));
        foreach (string frame in Directory.GetFiles(Combine("ramp", "frames")))
            File.Copy(frame, Combine("ramp", "-it's odd", Path.GetFileName(frame)));
        File.WriteAllBytes(Combine("ramp", "corrupt.avi"), [.. "RIFF"u8, .. new byte[600].Select((_, i) => (byte)(i * 31))]);
        Directory.CreateDirectory(Combine("ramp", "badframes"));
        File.Copy(Combine("ramp", "frames", "frame1.png"), Combine("ramp", "badframes", "img1.png"));
        File.WriteAllText(Combine("ramp", "badframes", "img2.png"), "not a png");
    }

    public bool Available { get; }

    public string Root => _dir.Path;

    public string SkipReason => "ffmpeg and ffprobe are not on PATH (sudo apt-get install ffmpeg)";

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public void Dispose() => _dir.Dispose();

    /// <summary>The source frame number a decoded grey frame shows (pixel value 16 + 10 n).</summary>
    public static int FrameNumber(ReadOnlySpan<float> frame)
    {
        float first = frame[0];
        foreach (float v in frame) Assert.Equal(first, v, 1.5f / 255);
        double n = (first * 255 - 16) / 10;
        Assert.Equal(Math.Round(n), n, 0.1);
        return (int)Math.Round(n);
    }

    /// <summary>Writes <paramref name="frames"/> grey-ramp frames (16 + 10 n) of 40x30 to <paramref name="output"/> (ffv1 video or images).</summary>
    internal static void Generate(int frames, string output, params string[] extra) =>
        Generate("nullsrc=s=40x30:r=25,format=gray,geq=lum='16+10*N'", frames, output, extra);

    /// <summary>Writes <paramref name="frames"/> frames of the lavfi graph <paramref name="source"/> to <paramref name="output"/>.</summary>
    internal static void Generate(string source, int frames, string output, params string[] extra)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-v", "error", "-y", "-f", "lavfi", "-i", source,
                     "-frames:v", frames.ToString(), .. extra, .. output.EndsWith(".png") ? Array.Empty<string>() : ["-c:v", "ffv1"], output])
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not generate {output}: {errors}");
    }

    internal static bool FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));
}
