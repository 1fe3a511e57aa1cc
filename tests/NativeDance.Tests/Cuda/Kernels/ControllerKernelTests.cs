using NativeDance.Autograd;
using NativeDance.Cuda.Kernels;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tests.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>controller.ptx through the interpreter against the AapController and a double reference.</summary>
public class ControllerKernelTests
{
    [Theory]
    [InlineData(4, 19, 5, 1.3f)]
    [InlineData(16, 140, 1, 0.7f)]   // 312 features: more than one pass of the block's 256 threads
    [InlineData(1, 3, 11, 1f)]
    public void MlpMatchesTheController(int frames, int channels, int gates, float scale)
    {
        int featureCount = ControllerFeatures.Count(channels, frames);
        var controller = Controller(featureCount, gates);
        var raw = OpsTestData.Normal(featureCount, (ulong)featureCount, mean: 0.5f, std: 2f);

        var device = new InterpretedDevice();
        var multipliers = device.GuardedOutput(3 * gates);
        device.Launch(ControllerKernels.Mlp(new ControllerShape(featureCount, 64, gates), scale, Upload(device, controller), device.Upload<float>(raw), multipliers));
        var actual = device.ReadGuarded(multipliers, 3 * gates, $"controller D={featureCount} gates={gates}");

        Numerics.AssertClose(actual, Reference(controller, raw, scale), 1e-11, "double reference");
        Numerics.AssertClose(actual, Forward(controller, raw, scale), 1e-11, "AapController.Forward");
    }

    [Fact]
    public void FromFirstActivationToMultipliers()
    {
        var clip = new ClipExtent(3, 20, 10);
        int gates = 4;
        var controller = Controller(clip.FeatureCount, gates);
        var activation = OpsTestData.Normal(clip.Frames * clip.Pixels * clip.Channels, 21, mean: 0.2f);
        var features = new float[clip.FeatureCount];
        ControllerFeatures.Compute(activation, clip.Frames, clip.Pixels, clip.Channels, features);

        var device = new InterpretedDevice();
        ulong partials = device.Device.Allocate(16L * clip.PartialLength), raw = device.Device.Allocate(4L * clip.FeatureCount);
        ulong multipliers = device.GuardedOutput(3 * gates);
        device.Launch(GateStatisticsKernels.ControllerFrameStatistics(clip, device.Upload<float>(activation), partials));
        device.Launch(GateStatisticsKernels.ControllerFeatures(clip, partials, raw));
        device.Launch(ControllerKernels.Mlp(new ControllerShape(clip.FeatureCount, 64, gates), 1.1f, Upload(device, controller), raw, multipliers));
        Numerics.AssertClose(device.ReadGuarded(multipliers, 3 * gates, "pipeline"), Forward(controller, features, 1.1f), 1e-10, "A_1 -> multipliers");
    }

    [Fact]
    public void HostSideRejectsBadArguments()
    {
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => new ControllerShape(ControllerKernels.MaxFeatures + 1, 64, 2)).Message);
        Assert.Contains("hidden", Assert.Throws<ArgumentException>(() => new ControllerShape(10, 0, 2)).Message);
        var weights = new ControllerWeights(8, 16, 24, 32, 40, 48, 56, 0);
        Assert.Contains("Bias3", Assert.Throws<ArgumentException>(() => ControllerKernels.Mlp(new ControllerShape(10, 64, 2), 1f, weights, 64, 72)).Message);
        Assert.Contains("scale", Assert.Throws<ArgumentException>(() => ControllerKernels.Mlp(new ControllerShape(10, 64, 2), float.NaN, weights, 64, 72)).Message);
    }

    /// <summary>A controller with a fitted normalisation and an output layer spread wide enough that every multiplier differs.</summary>
    private static AapController Controller(int featureCount, int gates)
    {
        var controller = new AapController(featureCount, gates, seed: 7);
        using (var rows = Tensor.FromData(new Shape(8, featureCount), OpsTestData.Normal(8 * featureCount, 11, mean: 0.5f, std: 2f)))
            controller.FitNormalization(rows);
        var fc3 = Parameters(controller)["fc3.weight"].Span;
        for (int i = 0; i < fc3.Length; i++) fc3[i] *= 10f;
        return controller;
    }

    private static Dictionary<string, Tensor> Parameters(AapController controller) =>
        controller.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value);

    private static ControllerWeights Upload(InterpretedDevice device, AapController controller)
    {
        var p = Parameters(controller);
        var b = controller.NamedBuffers().ToDictionary(x => x.Name, x => x.Buffer);
        ulong Put(Tensor t) => device.Upload<float>(t.ToArray());
        return new ControllerWeights(Put(b["feature_mean"]), Put(b["feature_std"]), Put(p["fc1.weight"]), Put(p["fc1.bias"]),
            Put(p["fc2.weight"]), Put(p["fc2.bias"]), Put(p["fc3.weight"]), Put(p["fc3.bias"]));
    }

    private static float[] Forward(AapController controller, float[] raw, float scale)
    {
        using var _ = GradMode.NoGrad();
        using var scope = new GraphScope();
        using var input = Tensor.FromData(new Shape(1, raw.Length), raw);
        return controller.Forward(Variable.Constant(input)).Value.ToArray().Select(k => k * scale).ToArray();
    }

    private static double[] Reference(AapController controller, float[] raw, float scale)
    {
        var p = Parameters(controller).ToDictionary(e => e.Key, e => e.Value.ToArray());
        var b = controller.NamedBuffers().ToDictionary(x => x.Name, x => x.Buffer.ToArray());
        var x = raw.Select((v, i) => (double)((v - b["feature_mean"][i]) / b["feature_std"][i])).ToArray();
        var h1 = Dense(p["fc1.weight"], p["fc1.bias"], x).Select(v => Math.Max(v, 0)).ToArray();
        var h2 = Dense(p["fc2.weight"], p["fc2.bias"], h1).Select(v => Math.Max(v, 0)).ToArray();
        return Dense(p["fc3.weight"], p["fc3.bias"], h2).Select(z => (Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)))) * scale).ToArray();
    }

    private static double[] Dense(float[] weight, float[] bias, double[] x)
    {
        var y = new double[bias.Length];
        for (int o = 0; o < y.Length; o++)
        {
            y[o] = bias[o];
            for (int i = 0; i < x.Length; i++) y[o] += weight[o * x.Length + i] * x[i];
        }
        return y;
    }
}
