using NativeDance.Cuda.Kernels;
using NativeDance.Pruning.Dance;
using NativeDance.Tests.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>gate_statistics.ptx through the interpreter against plain loops and the CPU's ControllerFeatures.</summary>
public class GateStatisticsKernelTests
{
    [Theory]
    [InlineData(2, 13, 21, 35, false, false)]   // 273 pixels: two slices, the second nearly empty
    [InlineData(3, 5, 7, 40, true, false)]
    [InlineData(2, 16, 17, 19, true, true)]     // ReLU written back (a residual input read twice)
    [InlineData(1, 3, 3, 1, true, false)]       // one frame, one channel
    public void GateSumsMatchPlainLoopsPerSlice(int frames, int height, int width, int channels, bool rectify, bool writeBack)
    {
        var clip = new ClipExtent(frames, height * width, channels);
        var x = OpsTestData.Normal(frames * clip.Pixels * channels, (ulong)(frames * 100 + channels));
        var expected = new double[clip.PartialLength];
        for (int t = 0; t < frames; t++)
        for (int p = 0; p < clip.Pixels; p++)
        for (int c = 0; c < channels; c++)
        {
            float v = x[(t * clip.Pixels + p) * channels + c];
            int s = p / GateStatisticsKernels.PixelsPerSlice;
            expected[(s * frames + t) * channels + c] += rectify ? Math.Max(v, 0f) : v;
        }

        var device = new InterpretedDevice();
        ulong input = device.Upload<float>(x), partial = device.GuardedOutput(clip.PartialLength);
        device.Launch(GateStatisticsKernels.Statistics(clip, rectify, writeBack, input, partial));
        string context = $"{clip} rectify={rectify} writeBack={writeBack}";
        Numerics.AssertClose(device.ReadGuarded(partial, clip.PartialLength, context), expected, 1e-13, context);
        var after = device.Download<float>(input, x.Length);
        InterpretedDevice.AssertBitwise(writeBack ? x.Select(v => Math.Max(v, 0f)).ToArray() : x, after, context + " input afterwards");

        // Folded over the slices, the sums are the plan's statistics pass up to float summation order.
        var partials = device.Download<float>(partial, clip.PartialLength);
        var planInput = (float[])x.Clone();
        var plan = GateReference.Statistics(planInput, frames, clip.Pixels, channels, rectify, writeBack);
        Numerics.AssertClose(GateReference.Fold(partials, clip.Slices, frames, channels), plan, 1e-12, context + " against GatePasses.Statistics");
        InterpretedDevice.AssertBitwise(planInput, after, context + " write-back against GatePasses.Statistics");
    }

    [Theory]
    [InlineData(4, 16, 17, 19)]   // two slices
    [InlineData(1, 5, 5, 33)]     // one frame: no motion features
    [InlineData(9, 3, 4, 8)]      // more frames than the features kernel has warps
    [InlineData(8, 25, 32, 33)]   // four slices and over 1024 partial counts: the unrolled folds
    public void ControllerFeaturesMatchTheCpu(int frames, int height, int width, int channels)
    {
        var clip = new ClipExtent(frames, height * width, channels);
        Assert.Equal(ControllerFeatures.Count(channels, frames), clip.FeatureCount);
        // Shifted down so that about a third of the rectified values are near zero; a few sit exactly on the boundary.
        var x = OpsTestData.Normal(frames * clip.Pixels * channels, (ulong)(frames * 1000 + channels), mean: -0.3f);
        for (int i = 0; i < x.Length; i += 37) x[i] = ControllerFeatures.NearZero;
        for (int i = 5; i < x.Length; i += 41) x[i] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(ControllerFeatures.NearZero) + 1);
        var expected = new float[clip.FeatureCount];
        ControllerFeatures.Compute(x, frames, clip.Pixels, channels, expected);

        var device = new InterpretedDevice();
        ulong input = device.Upload<float>(x);
        ulong partials = device.Device.Allocate(4L * 4 * clip.PartialLength);
        ulong features = device.GuardedOutput(clip.FeatureCount);
        device.Launch(GateStatisticsKernels.ControllerFrameStatistics(clip, input, partials));
        device.Launch(GateStatisticsKernels.ControllerFeatures(clip, partials, features));
        var actual = device.ReadGuarded(features, clip.FeatureCount, clip.ToString());
        Numerics.AssertClose(actual, expected, 1e-12, clip.ToString());
        // The near-zero fraction is a count: exact up to the final rounding.
        Assert.Equal(expected[^1], actual[^1]);
    }

    [Fact]
    public void HostSideRejectsBadArguments()
    {
        var clip = new ClipExtent(2, 9, 4);
        Assert.Contains("rectify", Assert.Throws<ArgumentException>(() => GateStatisticsKernels.Statistics(clip, false, true, 64, 128)).Message);
        Assert.Contains("partials", Assert.Throws<ArgumentException>(() => GateStatisticsKernels.ControllerFeatures(clip, 0, 128)).Message);
        Assert.Contains("channels", Assert.Throws<ArgumentException>(() => new ClipExtent(2, 9, 0)).Message);
        Assert.Contains("3 frames x 700 channels",
            Assert.Throws<ArgumentException>(() => GateStatisticsKernels.ControllerFeatures(new ClipExtent(3, 9, 700), 64, 128)).Message);
        Assert.Contains("frames * pixels * channels", Assert.Throws<ArgumentException>(() => new ClipExtent(1 << 12, 1 << 12, 1 << 8)).Message);
        Assert.Contains("70000 frames", Assert.Throws<ArgumentException>(() => new ClipExtent(70000, 1, 1)).Message);
    }
}
