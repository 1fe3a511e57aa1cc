using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Pruning;

public class ControllerFeaturesTests
{
    [Theory]
    [InlineData(5, 3, 4, 7)]
    [InlineData(8, 4, 4, 16)]
    [InlineData(4, 3, 5, 16)]  // the in-register path with an odd pixel count
    [InlineData(3, 3, 3, 32)]
    [InlineData(3, 2, 5, 33)]
    [InlineData(2, 2, 3, 64)]
    public void FeaturesMatchAPlainDoublePrecisionReference(int frames, int height, int width, int channels)
    {
        using var raw = Tensor.RandomNormal(new Shape(2, frames, height, width, channels), seed: 9);
        using var a1 = raw.Relu();
        using var features = ControllerFeatures.Compute(a1);
        int count = ControllerFeatures.Count(channels, frames), clip = frames * height * width * channels;
        for (int n = 0; n < 2; n++)
        {
            var expected = Reference(a1.Span.Slice(n * clip, clip), frames, height * width, channels);
            Numerics.AssertClose(features.Span.Slice(n * count, count), expected, 1e-12, $"clip {n}");
        }
    }

    [Fact]
    public void APendingReluGivesTheFeaturesOfTheRectifiedActivation()
    {
        using var raw = Tensor.RandomNormal(new Shape(1, 4, 3, 3, 10), seed: 10);
        using var rectified = raw.Relu();
        int count = ControllerFeatures.Count(10, 4);
        var fromRaw = new float[count];
        var fromRectified = new float[count];
        ControllerFeatures.Compute(raw.Span, 4, 9, 10, fromRaw);
        ControllerFeatures.Compute(rectified.Span, 4, 9, 10, fromRectified);
        Assert.Equal(fromRectified, fromRaw);
        var e = Assert.Throws<ArgumentException>(() => ControllerFeatures.Compute(raw.Span, 4, 9, 11, fromRaw));
        Assert.Contains("11 channels", e.Message);
    }

    /// <summary>The per-frame channel sums a gate on A_1 shares: sums of the rectified values, with the features unchanged.</summary>
    [Fact]
    public void FrameChannelSumsAreThePerFrameSumsOfTheRectifiedValues()
    {
        const int frames = 3, pixels = 10, channels = 19;
        using var raw = Tensor.RandomNormal(new Shape(1, frames, 2, 5, channels), seed: 11);
        int count = ControllerFeatures.Count(channels, frames);
        var plain = new float[count];
        var withSums = new float[count];
        var sums = new float[frames * channels];
        ControllerFeatures.Compute(raw.Span, frames, pixels, channels, plain);
        ControllerFeatures.Compute(raw.Span, frames, pixels, channels, withSums, sums);
        Assert.Equal(plain, withSums);
        var expected = new double[frames * channels];
        var x = raw.Span;
        for (int t = 0; t < frames; t++)
        for (int p = 0; p < pixels; p++)
        for (int c = 0; c < channels; c++)
            expected[t * channels + c] += Math.Max(x[(t * pixels + p) * channels + c], 0);
        Numerics.AssertClose(sums, expected, 1e-12, "frame channel sums");
        var e = Assert.Throws<ArgumentException>(() => ControllerFeatures.Compute(raw.Span, frames, pixels, channels, plain, new float[5]));
        Assert.Contains("got 5", e.Message);
    }

    /// <summary>The plan computes each frame's statistics apart (in parallel) and folds them: the same features and sums to the bit.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(19)]
    public void FramesComputedApartFoldToTheSameFeatures(int channels)
    {
        const int frames = 5, pixels = 12;
        using var raw = Tensor.RandomNormal(new Shape(1, frames, 3, 4, channels), seed: 4);
        int count = ControllerFeatures.Count(channels, frames);
        var (serial, serialSums) = (new float[count], new float[frames * channels]);
        ControllerFeatures.Compute(raw.Span, frames, pixels, channels, serial, serialSums);
        var frameSums = new float[frames * 2 * channels];
        var (motion, nearZero) = (new double[frames], new long[frames]);
        for (int t = frames - 1; t >= 0; t--)
            (motion[t], nearZero[t]) = ControllerFeatures.FrameStatistics(raw.Span, frames, pixels, channels, t, frameSums.AsSpan(t * 2 * channels, 2 * channels));
        var (folded, foldedSums) = (new float[count], new float[frames * channels]);
        ControllerFeatures.Fold(frameSums, motion, nearZero, frames, pixels, channels, new double[2 * channels], folded, foldedSums);
        Assert.Equal(serial, folded);
        Assert.Equal(serialSums, foldedSums);
    }

    /// <summary>METHOD.md's statistics of A_1 [T, P, C], term by term in double precision.</summary>
    private static double[] Reference(ReadOnlySpan<float> x, int frames, int pixels, int channels)
    {
        var f = new double[ControllerFeatures.Count(channels, frames)];
        int frame = pixels * channels;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int i = c; i < x.Length; i += channels) { sum += x[i]; squares += (double)x[i] * x[i]; }
            double mean = sum / (frames * pixels);
            f[c] = mean;
            f[channels + c] = Math.Sqrt(Math.Max(0, squares / (frames * pixels) - mean * mean));
        }
        for (int t = 0; t < frames; t++)
        {
            double sum = 0, motion = 0;
            for (int i = 0; i < frame; i++)
            {
                sum += x[t * frame + i];
                if (t > 0) motion += Math.Abs((double)x[t * frame + i] - x[(t - 1) * frame + i]);
            }
            f[2 * channels + t] = sum / frame;
            if (t > 0) f[2 * channels + frames + t - 1] = motion / frame;
        }
        int small = 0;
        foreach (float v in x) small += v <= ControllerFeatures.NearZero ? 1 : 0;
        f[^1] = (double)small / x.Length;
        return f;
    }
}
