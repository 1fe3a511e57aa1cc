using System.Runtime.CompilerServices;
using NativeDance.Cuda.Kernels;
using NativeDance.Tensors;
using NativeDance.Tests.Ops;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>gate_masks.ptx through the interpreter: the plan's threshold decisions and masking pass, against plain loops.</summary>
public class GateMaskKernelTests
{
    [Theory]
    [InlineData(4, 300, 37, 1f, 1f, 1f)]          // typical: two slices, channels not a multiple of 32
    [InlineData(3, 49, 300, 1f, 0.8f, 1.2f)]      // more channels than one 256-channel compaction chunk
    [InlineData(5, 20, 9, 0f, 0f, 0f)]            // every frame and channel kept
    [InlineData(4, 20, 9, 1e6f, 1e6f, 1f)]        // nothing above threshold: the strongest frame alone, no channel
    [InlineData(1, 30, 16, 1.5f, 1f, 1f)]         // a single frame, kept although below kF * mean
    [InlineData(9, 10, 5, 1f, 1f, 2f)]            // more frames than warps
    [InlineData(2, 1100, 40, 1f, 1f, 1f)]         // five slices: the fold four at a time and its tail
    public void ThresholdsDecideAsTheCpuPlan(int frames, int pixels, int channels, float kF, float kC, float kE)
    {
        var clip = new ClipExtent(frames, pixels, channels);
        var random = new SeededRandom((ulong)(frames * 7919 + pixels * 31 + channels));
        var partials = new float[clip.PartialLength];
        // Frames and channels of different strength, so the thresholds split them.
        for (int i = 0; i < partials.Length; i++)
        {
            int t = i / channels % frames, c = i % channels;
            partials[i] = random.NextSingle() * (1 + t % 3) * (1 + c % 4) * 10f;
        }
        AssertDecision(clip, partials, [kF, kC, kE], $"{clip} k=({kF}, {kC}, {kE})");
    }

    [Fact]
    public void EqualFramesBelowTheirThresholdKeepTheFirst()
    {
        var clip = new ClipExtent(5, 12, 6);
        var partials = Enumerable.Repeat(0.75f, clip.PartialLength).ToArray();
        var decision = AssertDecision(clip, partials, [2f, 1f, 1f], "equal frames");
        Assert.Equal([0], decision.KeptFrames);
    }

    [Theory]
    [InlineData(3, 5, 7, 37, 0.9f, 0.9f, 1f, false)]
    [InlineData(4, 6, 6, 20, 1f, 1f, 0.5f, true)]      // in place, as the plan masks a gate input it owns
    [InlineData(1, 4, 9, 33, 1f, 1f, 1f, false)]       // a single frame
    [InlineData(3, 5, 5, 16, 0f, 0f, 0f, true)]        // everything kept: only the non-positive values go
    [InlineData(3, 4, 4, 8, 1f, 1e6f, 1f, false)]      // no channel kept: nothing is written or counted
    public void StatisticsThresholdsAndMaskMatchTheCpuPasses(int frames, int height, int width, int channels, float kF, float kC, float kE, bool inPlace)
    {
        var clip = new ClipExtent(frames, height * width, channels);
        int length = frames * clip.Pixels * channels;
        string context = $"{clip} k=({kF}, {kC}, {kE}) inPlace={inPlace}";
        var x = OpsTestData.Normal(length, (ulong)(length + channels));
        var random = new SeededRandom((ulong)length);
        var fanT = Enumerable.Range(0, frames).Select(_ => (float)(1 + random.NextInt(3))).ToArray();
        var fanH = Enumerable.Range(0, height).Select(_ => (float)(1 + random.NextInt(3))).ToArray();
        var fanW = Enumerable.Range(0, width).Select(_ => (float)(1 + random.NextInt(3))).ToArray();
        uint[] pixelFan = GateMaskKernels.PixelFan(fanH, fanW), frameFan = GateMaskKernels.FrameFan(fanT);
        for (int p = 0; p < clip.Pixels; p++) Assert.Equal((uint)(fanH[p / width] * fanW[p % width]), pixelFan[p]);

        var device = new InterpretedDevice();
        var buffers = GateBuffers.Allocate(device, clip, [kF, kC, kE]);
        ulong input = device.Upload<float>(x);
        ulong output = inPlace ? input : device.GuardedOutput(length);
        ulong pixelFans = device.Upload<uint>(pixelFan), frameFans = device.Upload<uint>(frameFan);
        // The pending ReLU is fused into the statistics; masking in place needs no write-back (it zeroes x <= 0 anyway).
        device.Launch(GateStatisticsKernels.Statistics(clip, rectify: true, writeBack: false, input, buffers.Partials));
        device.Launch(GateMaskKernels.Thresholds(clip, buffers.Partials, buffers.Multipliers, buffers.KeptFrames, buffers.KeptChannels,
            buffers.ChannelBits, buffers.Decision));
        device.Launch(GateMaskKernels.Mask(clip, input, output, buffers.KeptFrames, buffers.ChannelBits, pixelFans, frameFans, buffers.Decision));

        var sums = GateReference.Fold(device.Download<float>(buffers.Partials, clip.PartialLength), clip.Slices, frames, channels);
        var expectedDecision = GateReference.Decide(sums, frames, clip.Pixels, channels, kF, kC, kE);
        // Dropped frames are not touched: the input's values in place, else the output's sentinels.
        var expected = inPlace ? (float[])x.Clone() : InterpretedDevice.Unwritten(length);
        var (kept, reach) = GateReference.Mask(x, expected, expectedDecision, clip.Pixels, channels, pixelFan, frameFan);
        var decision = device.Download<GateDecision>(buffers.Decision, 1)[0];
        AssertSameDecision(expectedDecision, device, buffers, decision, context);
        var actual = inPlace ? device.Download<float>(input, length) : device.ReadGuarded(output, length, context);
        InterpretedDevice.AssertBitwise(expected, actual, context);
        Assert.Equal(kept, (long)decision.KeptFeatures);
        Assert.Equal(reach, (long)decision.Reach);
    }

    [Fact]
    public void MaskKeepsValuesEqualToTheThreshold()
    {
        var clip = new ClipExtent(3, 10, 6);
        int length = clip.Frames * clip.Pixels * clip.Channels;
        var x = OpsTestData.Normal(length, 77);
        var kept = new GateReference.Decision([0, 2], [1, 2, 4], x.Where(v => v > 0).Order().ElementAt(20));
        for (int i = 0; i < length; i += 7) x[i] = kept.FeatureThreshold;   // every channel, kept frames included
        var pixelFan = Enumerable.Range(1, clip.Pixels).Select(p => (uint)p).ToArray();
        uint[] frameFan = [2, 3, 5];

        var device = new InterpretedDevice();
        ulong input = device.Upload<float>(x), output = device.GuardedOutput(length);
        ulong keptFrames = device.Upload<int>(kept.KeptFrames);
        ulong bits = device.Upload<uint>(Enumerable.Range(0, clip.Channels).Select(c => kept.KeptChannels.Contains(c) ? 1u : 0u).ToArray());
        uint[] block = [(uint)kept.KeptFrames.Length, (uint)kept.KeptChannels.Length, BitConverter.SingleToUInt32Bits(kept.FeatureThreshold), 0, 0, 0, 0, 0];
        ulong decision = device.Upload<uint>(block);
        device.Launch(GateMaskKernels.Mask(clip, input, output, keptFrames, bits, device.Upload<uint>(pixelFan), device.Upload<uint>(frameFan), decision));

        var expected = InterpretedDevice.Unwritten(length);
        var (survivors, reach) = GateReference.Mask(x, expected, kept, clip.Pixels, clip.Channels, pixelFan, frameFan);
        InterpretedDevice.AssertBitwise(expected, device.ReadGuarded(output, length, "threshold ties"), "threshold ties");
        var counted = device.Download<GateDecision>(decision, 1)[0];
        Assert.Equal(survivors, (long)counted.KeptFeatures);
        Assert.Equal(reach, (long)counted.Reach);
    }

    [Fact]
    public void DecisionBlockIsTheLayoutTheKernelsWrite() => Assert.Equal(32, Unsafe.SizeOf<GateDecision>());

    [Fact]
    public void HostSideRejectsBadArguments()
    {
        var tooWide = new ClipExtent(16, 4, 1024);
        Assert.Contains("scratch", Assert.Throws<ArgumentException>(() => GateMaskKernels.Thresholds(tooWide, 8, 16, 24, 32, 40, 48)).Message);
        var clip = new ClipExtent(2, 4, 8);
        Assert.Contains("decision", Assert.Throws<ArgumentException>(() => GateMaskKernels.Mask(clip, 8, 16, 24, 32, 40, 48, 0)).Message);
        Assert.Contains("h=0, w=1", Assert.Throws<ArgumentException>(() => GateMaskKernels.PixelFan([1f], [2f, 1.5f])).Message);
    }

    private static GateReference.Decision AssertDecision(ClipExtent clip, float[] partials, float[] multipliers, string context)
    {
        var device = new InterpretedDevice();
        var buffers = GateBuffers.Allocate(device, clip, multipliers);
        device.Device.Write<float>(buffers.Partials, partials);
        device.Launch(GateMaskKernels.Thresholds(clip, buffers.Partials, buffers.Multipliers, buffers.KeptFrames, buffers.KeptChannels,
            buffers.ChannelBits, buffers.Decision));
        var expected = GateReference.Decide(GateReference.Fold(partials, clip.Slices, clip.Frames, clip.Channels),
            clip.Frames, clip.Pixels, clip.Channels, multipliers[0], multipliers[1], multipliers[2]);
        AssertSameDecision(expected, device, buffers, device.Download<GateDecision>(buffers.Decision, 1)[0], context);
        return expected;
    }

    private static void AssertSameDecision(GateReference.Decision expected, InterpretedDevice device, GateBuffers buffers, GateDecision actual, string context)
    {
        Assert.True(expected.KeptFrames.Length == (int)actual.KeptFrames, $"{context}: {actual.KeptFrames} frames kept, expected {expected.KeptFrames.Length}.");
        Assert.True(expected.KeptChannels.Length == (int)actual.KeptChannels, $"{context}: {actual.KeptChannels} channels kept, expected {expected.KeptChannels.Length}.");
        Assert.Equal(expected.KeptFrames, device.Download<int>(buffers.KeptFrames, expected.KeptFrames.Length));
        Assert.Equal(expected.KeptChannels, device.Download<int>(buffers.KeptChannels, expected.KeptChannels.Length));
        var bits = device.Download<uint>(buffers.ChannelBits, buffers.Channels);
        Assert.Equal(Enumerable.Range(0, buffers.Channels).Select(c => expected.KeptChannels.Contains(c) ? 1u : 0u), bits);
        // The kept channels' total is a double tree sum on the device, the CPU's is sequential: equal to the last few bits.
        Assert.True(Math.Abs(actual.FeatureThreshold - expected.FeatureThreshold) <= 1e-6f * Math.Abs(expected.FeatureThreshold),
            $"{context}: feature threshold {actual.FeatureThreshold}, expected {expected.FeatureThreshold}.");
        Assert.Equal(0u, actual.Reserved);
    }

    /// <summary>The device buffers one gate's decision pipeline uses.</summary>
    private sealed record GateBuffers(ulong Partials, ulong Multipliers, ulong KeptFrames, ulong KeptChannels, ulong ChannelBits, ulong Decision, int Channels)
    {
        public static GateBuffers Allocate(InterpretedDevice device, ClipExtent clip, float[] multipliers) => new(
            device.Device.Allocate(4L * clip.PartialLength), device.Upload<float>(multipliers), device.Device.Allocate(4L * clip.Frames),
            device.Device.Allocate(4L * clip.Channels), device.Device.Allocate(4L * clip.Channels), device.Device.Allocate(32), clip.Channels);
    }
}
