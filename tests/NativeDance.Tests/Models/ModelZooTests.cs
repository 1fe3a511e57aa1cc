using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Tensors;

namespace NativeDance.Tests.Models;

public class ModelZooTests
{
    private static readonly Shape Clip = new(1, 16, 112, 112, 3);

    [Theory]
    [InlineData("r3d-18", 400, 40.70e9, 33.4e6)]
    [InlineData("mc3-18", 400, 43.34e9, 11.7e6)]
    [InlineData("r2plus1d-18", 400, 40.5e9, 31.5e6)]
    [InlineData("c3d", 101, 38.5e9, 78.0e6)]
    public void MacAndParameterCountsMatchThePublishedFigures(string name, int classes, double macs, double parameters)
    {
        var model = ModelZoo.Create(new ModelSpec(name, classes));
        var costs = new List<LayerCost>();
        var output = model.InferShape(Clip, costs);
        Assert.Equal(new Shape(1, classes), output);
        double counted = costs.Sum(c => (double)c.Macs);
        Assert.InRange(counted, macs * 0.985, macs * 1.015);
        Assert.InRange(model.ParameterCount, parameters * 0.98, parameters * 1.02);
        Assert.Equal(model.ParameterCount, costs.Sum(c => c.Parameters));
    }

    [Fact]
    public void VideoResNetsUseTorchvisionParameterNames()
    {
        var r3d = Names(ModelZoo.Create(new ModelSpec("r3d-18", 10, Width: 0.25f)));
        Assert.Contains("stem.0.weight", r3d);
        Assert.Contains("stem.1.running_var", r3d);
        Assert.Contains("layer1.0.conv1.0.weight", r3d);
        Assert.Contains("layer1.0.conv2.1.num_batches_tracked", r3d);
        Assert.Contains("layer2.0.downsample.0.weight", r3d);
        Assert.Contains("layer4.1.conv2.1.bias", r3d);
        Assert.Contains("fc.weight", r3d);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", r3d);

        var r21d = Names(ModelZoo.Create(new ModelSpec("r2plus1d-18", 10, Width: 0.25f)));
        Assert.Contains("stem.3.weight", r21d);
        Assert.Contains("layer1.0.conv1.0.0.weight", r21d);
        Assert.Contains("layer1.0.conv1.0.1.running_mean", r21d);
        Assert.Contains("layer3.1.conv2.0.3.weight", r21d);
    }

    [Fact]
    public void TinyC3DIsSmallAndEveryModelRunsForward()
    {
        foreach (var name in ModelZoo.Names)
        {
            int frames = name == "c3d" ? 16 : 8; // C3D's five temporal poolings need 16 frames
            var model = ModelZoo.Create(new ModelSpec(name, 5, Width: name == "tiny-c3d" ? 1f : 0.125f, Frames: frames, Size: 32, Seed: 3));
            model.Eval();
            using var clip = Tensor.RandomNormal(new Shape(2, frames, 32, 32, 3), seed: 4);
            var logits = model.Forward(NativeDance.Autograd.Variable.Constant(clip));
            Assert.Equal(new Shape(2, 5), logits.Shape);
            Assert.All(logits.Value.ToArray(), v => Assert.True(float.IsFinite(v)));
            var costs = new List<LayerCost>();
            Assert.Equal(logits.Shape, model.InferShape(clip.Shape, costs));
        }
        var tiny = ModelZoo.Create(new ModelSpec("tiny-c3d", 10, Frames: 16, Size: 32));
        var tinyCosts = new List<LayerCost>();
        tiny.InferShape(new Shape(1, 16, 32, 32, 3), tinyCosts);
        Assert.InRange(tinyCosts.Sum(c => c.Macs), 50e6, 200e6);
    }

    [Fact]
    public void UnknownModelsAndBadInputsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec("vgg", 10)));
        Assert.Contains("r3d-18", e.Message);
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 10, Frames: 8, Size: 32));
        var wrong = Assert.Throws<ArgumentException>(() => model.InferShape(new Shape(1, 8, 32, 32, 1), []));
        Assert.Contains("[1, 8, 32, 32, 1]", wrong.Message);
    }

    private static HashSet<string> Names(Module m) =>
        m.NamedParameters().Select(p => p.Name).Concat(m.NamedBuffers().Select(b => b.Name)).ToHashSet();
}
