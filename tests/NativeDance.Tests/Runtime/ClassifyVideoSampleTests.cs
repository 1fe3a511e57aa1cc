using NativeDance.Samples.ClassifyVideo;

namespace NativeDance.Tests.Runtime;

/// <summary>The sample console app, run in process on the fixture's trained model and a real video file.</summary>
public sealed class ClassifyVideoSampleTests(EmbeddingFixture files) : IClassFixture<EmbeddingFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheSampleNamesTheClassOfARealVideo(bool withController)
    {
        Assert.SkipUnless(files.VideoAvailable, files.SkipReason);
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = withController ? [files.ModelPath, files.ControllerPath, files.VideoPath] : [files.ModelPath, files.VideoPath];
        Assert.Equal(0, Program.Run(args, output, error));
        Assert.Equal("", error.ToString());
        string line = output.ToString();
        Assert.StartsWith("ramp.avi: ", line);
        Assert.Contains(files.ClassNames, name => line.Contains($": {name} ("));
        Assert.Contains("tiny-c3d on Cpu", line);
    }

    [Fact]
    public void BadArgumentsAndFilesGiveOneLineAndExitCodeTwo()
    {
        var error = new StringWriter();
        Assert.Equal(2, Program.Run([files.ModelPath], TextWriter.Null, error));
        Assert.StartsWith("usage: ClassifyVideo", error.ToString());
        error = new StringWriter();
        Assert.Equal(2, Program.Run([files.ModelPath, files.Combine("missing.mp4")], TextWriter.Null, error));
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("missing.mp4", error.ToString());
    }
}
