using NativeDance.Data.Transforms;
using NativeDance.Data;
using NativeDance.Tensors;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Data;

public class ClipTransformTests
{
    private static float[] RandomClip(ClipSpec spec, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, spec.ElementCount).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static float[] Apply(IClipTransform transform, float[] input, ClipSpec spec, ulong seed = 1)
    {
        var output = new float[transform.OutputSpec(spec).ElementCount];
        var rng = new SeededRandom(seed);
        transform.Apply(input, spec, output, ref rng);
        return output;
    }

    private static float At(float[] clip, ClipSpec spec, int t, int y, int x, int c) =>
        clip[((t * spec.Height + y) * spec.Width + x) * spec.Channels + c];

    /// <summary>PyTorch's bilinear interpolate (align_corners=False), written out in double precision.</summary>
    private static double NaiveBilinear(float[] clip, ClipSpec spec, int t, int c, int outY, int outX, int outH, int outW)
    {
        static (int, int, double) Taps(int o, int inSize, int outSize)
        {
            double src = Math.Max((o + 0.5) * inSize / outSize - 0.5, 0);
            int i0 = (int)Math.Floor(src);
            return (i0, Math.Min(i0 + 1, inSize - 1), src - i0);
        }
        var (y0, y1, wy) = Taps(outY, spec.Height, outH);
        var (x0, x1, wx) = Taps(outX, spec.Width, outW);
        return (1 - wy) * ((1 - wx) * At(clip, spec, t, y0, x0, c) + wx * At(clip, spec, t, y0, x1, c)) +
               wy * ((1 - wx) * At(clip, spec, t, y1, x0, c) + wx * At(clip, spec, t, y1, x1, c));
    }

    [Theory]
    [InlineData(2, 7, 9, 3, 4, 5)]
    [InlineData(3, 5, 6, 3, 11, 13)]
    [InlineData(1, 16, 9, 2, 16, 9)]
    [InlineData(2, 1, 5, 1, 3, 2)]
    [InlineData(1, 10, 12, 3, 3, 17)]
    public void ResizeMatchesNaiveBilinear(int frames, int height, int width, int channels, int outH, int outW)
    {
        var spec = new ClipSpec(frames, height, width, channels);
        var input = RandomClip(spec, height * 100 + width);
        var output = Apply(new Resize(outH, outW), input, spec);
        var outSpec = spec with { Height = outH, Width = outW };
        for (int t = 0; t < frames; t++)
        for (int y = 0; y < outH; y++)
        for (int x = 0; x < outW; x++)
        for (int c = 0; c < channels; c++)
            Assert.Equal(NaiveBilinear(input, spec, t, c, y, x, outH, outW), At(output, outSpec, t, y, x, c), 1e-5);
        if (outH == height && outW == width) Assert.Equal(input, output);
    }

    [Fact]
    public void CentreCropCutsTheMiddleOfEveryFrame()
    {
        var spec = new ClipSpec(2, 7, 9, 3);
        var input = RandomClip(spec, 3);
        var output = Apply(new Crop(4, 4, CropPosition.Centre), input, spec);
        var outSpec = spec with { Height = 4, Width = 4 };
        for (int t = 0; t < 2; t++)
        for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++)
        for (int c = 0; c < 3; c++)
            Assert.Equal(At(input, spec, t, y + 1, x + 2, c), At(output, outSpec, t, y, x, c));
    }

    [Fact]
    public void RandomCropUsesOneWindowPerClipDrawnFromTheSeed()
    {
        var spec = new ClipSpec(3, 8, 10, 1);
        // Pixel value encodes (t, y, x), so the output reveals the window.
        var input = Enumerable.Range(0, spec.ElementCount).Select(i => (float)i).ToArray();
        var crop = new Crop(5, 4, CropPosition.Random);
        var offsets = new HashSet<(int, int)>();
        for (ulong seed = 0; seed < 40; seed++)
        {
            var output = Apply(crop, input, spec, seed);
            int first = (int)output[0];
            int top = first / 10 % 8, left = first % 10;
            Assert.InRange(top, 0, 3);
            Assert.InRange(left, 0, 6);
            for (int t = 0; t < 3; t++)
            for (int y = 0; y < 5; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(((t * 8 + top + y) * 10) + left + x, output[(t * 5 + y) * 4 + x]);
            Assert.Equal(output, Apply(crop, input, spec, seed));
            offsets.Add((top, left));
        }
        Assert.True(offsets.Count > 12, $"40 seeds reached only {offsets.Count} of 28 windows");
        Assert.Throws<ArgumentException>(() => crop.OutputSpec(new ClipSpec(1, 4, 10, 1)));
    }

    [Fact]
    public void FlipMirrorsEachRowKeepingChannelOrderAndHonoursItsProbability()
    {
        var spec = new ClipSpec(2, 3, 5, 3);
        var input = RandomClip(spec, 5);
        var flipped = Apply(new HorizontalFlip(1), input, spec);
        for (int t = 0; t < 2; t++)
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 5; x++)
        for (int c = 0; c < 3; c++)
            Assert.Equal(At(input, spec, t, y, 4 - x, c), At(flipped, spec, t, y, x, c));
        Assert.Equal(input, Apply(new HorizontalFlip(1), flipped, spec));
        Assert.Equal(input, Apply(new HorizontalFlip(0), input, spec));
        int mirrored = Enumerable.Range(0, 200).Count(s => !Apply(new HorizontalFlip(), input, spec, (ulong)s).SequenceEqual(input));
        Assert.InRange(mirrored, 70, 130);
    }

    [Fact]
    public void NormalizeStandardisesPerChannel()
    {
        var spec = new ClipSpec(2, 2, 3, 3);
        var input = RandomClip(spec, 6);
        float[] mean = [0.1f, 0.5f, 0.9f], std = [0.2f, 0.5f, 2f];
        var output = Apply(new Normalize(mean, std), input, spec);
        for (int i = 0; i < input.Length; i++) Assert.Equal((input[i] - mean[i % 3]) / std[i % 3], output[i], 1e-6f);
        Assert.Throws<ArgumentException>(() => new Normalize([0f], [0f]));
        Assert.Throws<ArgumentException>(() => new Normalize([0f, 1f], [1f]));
        Assert.Throws<ArgumentException>(() => new Normalize(mean, std).OutputSpec(new ClipSpec(1, 2, 2, 1)));
    }

    [Fact]
    public void PipelineEqualsTheStagesAppliedByHandWithOneGenerator()
    {
        var spec = new ClipSpec(3, 9, 11, 3);
        var input = RandomClip(spec, 7);
        IClipTransform[] stages = [new Resize(10, 13), new Crop(6, 8, CropPosition.Random), new HorizontalFlip(), new Normalize([0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.3f])];
        var pipeline = new ClipTransformPipeline(spec, flipInvariant: true, stages);
        Assert.Equal(new ClipSpec(3, 6, 8, 3), pipeline.OutputSpec);
        using var workspace = pipeline.CreateWorkspace();

        for (ulong seed = 0; seed < 8; seed++)
        {
            input.CopyTo(workspace.Input);
            var output = new float[pipeline.OutputSpec.ElementCount];
            pipeline.Apply(workspace, output, seed);

            var rng = new SeededRandom(seed);
            var current = input;
            var currentSpec = spec;
            foreach (var stage in stages)
            {
                var next = new float[stage.OutputSpec(currentSpec).ElementCount];
                stage.Apply(current, currentSpec, next, ref rng);
                (current, currentSpec) = (next, stage.OutputSpec(currentSpec));
            }
            Assert.Equal(current, output);
        }
    }

    [Fact]
    public void PipelineApplyAllocatesNothing()
    {
        var spec = new ClipSpec(4, 12, 14, 3);
        var pipeline = new ClipTransformPipeline(spec, true, new Resize(10, 10), new Crop(8, 8, CropPosition.Random), new HorizontalFlip(), Normalize.Kinetics());
        using var workspace = pipeline.CreateWorkspace();
        var output = new float[pipeline.OutputSpec.ElementCount];
        pipeline.Apply(workspace, output, 1);
        SteadyState.AssertAllocatesNothing(() =>
        {
            for (ulong seed = 0; seed < 20; seed++) pipeline.Apply(workspace, output, seed);
        });
    }

    [Fact]
    public void FlipsAreRefusedForDirectionSensitiveDatasets()
    {
        var spec = new ClipSpec(2, 8, 8, 3);
        var error = Assert.Throws<ArgumentException>(() => new ClipTransformPipeline(spec, flipInvariant: false, new HorizontalFlip()));
        Assert.Contains("HorizontalFlip", error.Message);
        var procedural = new NativeDance.Data.Procedural.ProceduralVideoDataset(DatasetSplit.Train, 4, new ClipSpec(4, 16, 16, 3), 1);
        var standard = ClipTransformPipeline.Standard(procedural, 12, 12, training: true);
        Assert.DoesNotContain(standard.Transforms, t => t.MirrorsHorizontally);
        Assert.Equal(new ClipSpec(4, 12, 12, 3), standard.OutputSpec);
    }

    [Fact]
    public void StandardPipelineResizesSmallFramesUpBeforeCropping()
    {
        var spec = new ClipSpec(2, 8, 16, 3);
        var dataset = new FakeClipDataset(3, spec, flipInvariant: true);
        var training = ClipTransformPipeline.Standard(dataset, 12, 12, training: true, Normalize.Kinetics());
        Assert.Collection(training.Transforms,
            t => Assert.Equal((12, 24), (((Resize)t).Height, ((Resize)t).Width)),
            t => Assert.Equal(CropPosition.Random, ((Crop)t).Position),
            t => Assert.IsType<HorizontalFlip>(t),
            t => Assert.IsType<Normalize>(t));
        var evaluation = ClipTransformPipeline.Standard(dataset, 8, 8, training: false);
        Assert.Collection(evaluation.Transforms, t => Assert.Equal(CropPosition.Centre, ((Crop)t).Position));
    }
}
