using NativeDance.Data;
using NativeDance.Data.Video;

namespace NativeDance.Tests.Data;

public sealed class VideoClipReaderTests(VideoFixture videos) : IClassFixture<VideoFixture>
{
    private static VideoClipReader Reader(int frames, int height, int width, int stride = 1) =>
        new(new VideoClipOptions { Spec = new ClipSpec(frames, height, width, 3), FrameStride = stride });

    private static int[] FrameNumbers(VideoClipReader reader, string path)
    {
        var clip = new float[reader.Spec.ElementCount];
        reader.ReadClip(path, clip);
        int frame = reader.Spec.Height * reader.Spec.Width * 3;
        return Enumerable.Range(0, reader.Spec.Frames).Select(t => VideoFixture.FrameNumber(clip.AsSpan(t * frame, frame))).ToArray();
    }

    [Fact]
    public void ReadsTheCentredWindowAndLoopsShortVideos()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        Assert.Equal([6, 8, 10, 12], FrameNumbers(Reader(4, 6, 8, stride: 2), videos.Combine("ramp", "long.avi")));
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2], FrameNumbers(Reader(8, 6, 6), videos.Combine("ramp", "short.mkv")));
    }

    [Fact]
    public void FramesAreScaledToCoverAndCentreCroppedNotStretched()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        // 40x20 frames, white in the left quarter (x < 10), dark elsewhere. Covering 8x8 scales them to 16x8 and keeps
        // columns 4..11, source columns 10..29: dark. Stretching to 8x8 would keep the white quarter (2 of 8 columns).
        string path = videos.Combine("left-white.avi");
        VideoFixture.Generate("nullsrc=s=40x20:r=25,format=gray,geq=lum='if(lt(X,10),235,16)'", 6, path);
        var reader = Reader(2, 8, 8);
        var clip = new float[reader.Spec.ElementCount];
        reader.ReadClip(path, clip);
        Assert.InRange(clip.Average(), 0.0, 0.15);
    }

    [Fact]
    public void AnUnreadableOrMissingFileIsNamed()
    {
        Assert.SkipUnless(videos.Available, videos.SkipReason);
        var reader = Reader(4, 6, 8);
        var clip = new float[reader.Spec.ElementCount];
        var e = Assert.Throws<ClipReadException>(() => reader.ReadClip(videos.Combine("ramp", "corrupt.avi"), clip));
        Assert.Contains("corrupt.avi", e.Message);
        Assert.Throws<FileNotFoundException>(() => reader.ReadClip(videos.Combine("ramp", "none.avi"), clip));
        Assert.Throws<ArgumentException>(() => reader.ReadClip(videos.Combine("ramp", "long.avi"), new float[3]));
    }
}
