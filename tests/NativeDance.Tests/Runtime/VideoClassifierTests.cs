using NativeDance.Cuda;
using NativeDance.Data.Video;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Runtime;
using NativeDance.Tensors;
using static NativeDance.Tests.Runtime.EmbeddingFixture;

namespace NativeDance.Tests.Runtime;

public sealed class VideoClassifierTests(EmbeddingFixture files) : IClassFixture<EmbeddingFixture>
{
    private static readonly ClassifierOptions OnCpu = new() { Device = ComputeDevice.Cpu };

    /// <summary>Logits of <paramref name="clip"/> from an inference plan compiled directly from the checkpoint files.</summary>
    private float[] Reference(float[] clip, bool gated)
    {
        var trained = TrainedCheckpoint.Load(files.ModelPath);
        var (controller, scale) = gated ? ControllerCheckpoint.Load(files.ControllerPath, "tiny-c3d", (IGatedNetwork)trained.Model) : (null, 1f);
        using var plan = InferencePlan.Compile(trained.Model, Frames, Size, Size, controller, scale);
        var logits = new float[plan.Classes];
        plan.Run(clip, logits);
        return logits;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AClipGivesThePlansLogitsTheirArgmaxAndItsName(bool gated)
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, gated ? files.ControllerPath : null, OnCpu);
        Assert.Equal(new NativeDance.Data.ClipSpec(Frames, Size, Size, 3), classifier.ClipSpec);
        Assert.Equal(files.ClassNames, classifier.ClassNames);
        Assert.Equal(ComputeDevice.Cpu, classifier.Device);
        Assert.Equal(gated, classifier.IsGated);
        Assert.Equal(gated ? Scale : null, classifier.Scale);
        Assert.Equal(gated ? TrainedBudget : null, classifier.TrainedBudget);
        foreach (var clip in files.Clips.Take(3))
        {
            var result = classifier.Classify(clip);
            var expected = Reference(clip, gated);
            Assert.Equal(expected, result.Logits);
            Assert.Equal(Array.IndexOf(expected, expected.Max()), result.ClassIndex);
            Assert.Equal(files.ClassNames[result.ClassIndex], result.Label);
            Assert.Equal(1.0, result.Probabilities.Sum(p => (double)p), 1e-5);
            Assert.Equal(result.Probabilities.Max(), result.Confidence);
            if (gated) Assert.InRange(result.ExecutedMacRatio, 0.0, 0.999);
            else Assert.Equal(1.0, result.ExecutedMacRatio, 1e-12);
        }
    }

    [Fact]
    public void TheSpanTensorAndAllocationFreeOverloadsAgree()
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu);
        var clip = files.Clips[1];
        var viaSpan = classifier.Classify(clip.AsSpan());
        using var tensor = Tensor.FromData(new Shape(1, Frames, Size, Size, 3), clip);
        var viaTensor = classifier.Classify(tensor);
        var logits = new float[classifier.Classes];
        var prediction = classifier.Classify(clip, logits);
        Assert.Equal(viaSpan.Logits, viaTensor.Logits);
        Assert.Equal(viaSpan.Logits, logits);
        Assert.Equal(new Prediction(viaSpan.ClassIndex, viaSpan.ExecutedMacRatio, viaSpan.MacRatio), prediction);
    }

    [Fact]
    public void FramesOfTheModelsSizeAreTheCentredWindowOverTwoFiftyFive()
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, null, OnCpu);
        // 12 frames for a clip of 8: the centred window starts at (12 - 8) / 2 = 2.
        var frames = RandomFrames(12, Size, Size, seed: 5);
        var expected = new float[classifier.ClipSpec.ElementCount];
        int frame = Size * Size * 3;
        for (int t = 0; t < Frames; t++)
            for (int i = 0; i < frame; i++) expected[t * frame + i] = frames[2 + t][i] / 255f;
        var actual = classifier.Classify(frames, Size, Size).Logits;
        var reference = classifier.Classify(expected).Logits;
        for (int k = 0; k < actual.Length; k++) Assert.Equal(reference[k], actual[k], 1e-5);
    }

    [Fact]
    public void LargerFramesAreResizedToCoverAndCentreCropped()
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, null, OnCpu);
        // 40 x 32 frames: halved (bilinear at 2:1 averages 2x2 blocks) to 20 x 16, then the centre 16 columns (2..17).
        var frames = RandomFrames(Frames, width: 2 * Size + 8, height: 2 * Size, seed: 6);
        var expected = new float[classifier.ClipSpec.ElementCount];
        int inWidth = 2 * Size + 8;
        for (int t = 0; t < Frames; t++)
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        int X = 2 * (x + 2), Y = 2 * y;
                        byte[] f = frames[t];
                        double sum = f[(Y * inWidth + X) * 3 + c] + f[(Y * inWidth + X + 1) * 3 + c] + f[((Y + 1) * inWidth + X) * 3 + c] + f[((Y + 1) * inWidth + X + 1) * 3 + c];
                        expected[((t * Size + y) * Size + x) * 3 + c] = (float)(sum / 4 / 255);
                    }
        var actual = classifier.Classify(frames, inWidth, 2 * Size).Logits;
        var reference = classifier.Classify(expected).Logits;
        for (int k = 0; k < actual.Length; k++) Assert.Equal(reference[k], actual[k], 1e-4);
    }

    [Fact]
    public void AShortFrameSequenceLoops()
    {
        Span<int> indices = stackalloc int[Frames];
        VideoClipReader.CentredFrames(5, 1, indices);
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2], indices.ToArray());
        VideoClipReader.CentredFrames(20, 2, indices[..4]);
        Assert.Equal([6, 8, 10, 12], indices[..4].ToArray());
    }

    [Fact]
    public void AVideoFileIsItsCentredWindowAtTheModelsSize()
    {
        Assert.SkipUnless(files.VideoAvailable, files.SkipReason);
        using var classifier = VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu);
        // 20 grey frames of 16 + 10 n; a clip of 8 takes frames 6 to 13.
        var expected = new float[classifier.ClipSpec.ElementCount];
        int frame = Size * Size * 3;
        for (int t = 0; t < Frames; t++) expected.AsSpan(t * frame, frame).Fill((16 + 10 * (6 + t)) / 255f);
        var fromVideo = classifier.ClassifyVideo(files.VideoPath);
        var reference = classifier.Classify(expected);
        for (int k = 0; k < reference.Logits.Length; k++) Assert.Equal(reference.Logits[k], fromVideo.Logits[k], 0.02);
        Assert.Equal(files.ClassNames[fromVideo.ClassIndex], fromVideo.Label);
    }

    [Fact]
    public void ConcurrentCallersGetTheSequentialResultsFromABoundedPool()
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu with { MaxConcurrency = 2 });
        var sequential = files.Clips.Select(c => classifier.Classify(c).Logits).ToArray();
        var concurrent = new float[4 * files.Clips.Count][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            concurrent[i] = classifier.Classify(files.Clips[i % files.Clips.Count]).Logits);
        for (int i = 0; i < concurrent.Length; i++) Assert.Equal(sequential[i % files.Clips.Count], concurrent[i]);
        Assert.InRange(classifier.CompiledPlans, 1, 2);
    }

    [Fact]
    public void AutoRunsOnTheCpuWhereNoGpuCanBeUsedAndGpuSaysWhy()
    {
        Assert.SkipWhen(CudaDriver.IsAvailable, "a CUDA driver and device are present");
        using var classifier = VideoClassifier.Load(files.ModelPath, null, new ClassifierOptions { Device = ComputeDevice.Auto });
        Assert.Equal(ComputeDevice.Cpu, classifier.Device);
        var e = Assert.Throws<CudaUnavailableException>(() => VideoClassifier.Load(files.ModelPath, null, new ClassifierOptions { Device = ComputeDevice.Gpu }));
        Assert.Contains("ComputeDevice.Gpu", e.Message);
        Assert.Contains(CudaDriver.UnavailableReason!.TrimEnd('.'), e.Message);
    }

    private static List<byte[]> RandomFrames(int count, int width, int height, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var frame = new byte[width * height * 3];
            random.NextBytes(frame);
            return frame;
        }).ToList();
    }
}
