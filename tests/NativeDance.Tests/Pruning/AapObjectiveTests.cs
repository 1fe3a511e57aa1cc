using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;

namespace NativeDance.Tests.Pruning;

public class AapObjectiveTests
{
    [Theory]
    [InlineData("tiny-c3d")]
    [InlineData("r3d-18")]
    public void GradientsReachTheControllerOnlyAndTheMacRatioIsAFraction(string architecture)
    {
        var model = ModelZoo.Create(new ModelSpec(architecture, 4, Width: 0.25f, Frames: 8, Size: 16, Seed: 1));
        var gated = (IGatedNetwork)model;
        using var clips = Tensor.RandomUniform(new Shape(2, 8, 16, 16, 3), seed: 2);
        int channels;
        using (GradMode.NoGrad()) channels = gated.ForwardStem(Variable.Constant(clips)).Shape[4];
        var controller = new AapController(ControllerFeatures.Count(channels, 8), gated.Gates.Count, seed: 4);
        var objective = new AapObjective(model, controller, new AapOptions { Budget = 0.2f });

        var loss = objective.Loss(Variable.Constant(clips), [1, 3], out var logits);
        loss.Backward();
        Assert.Equal(new Shape(2, 4), logits.Shape);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
        Assert.All(controller.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.Contains(controller.Parameters(), p => p.Grad!.ToArray().Any(g => g != 0f));

        Variable ratio;
        using (GradMode.NoGrad()) objective.Gated.Run(Variable.Constant(clips), 0.1f, out ratio);
        Assert.All(ratio.Value.ToArray(), r => Assert.InRange(r, 0.01f, 1f));
        Assert.Equal(gated.Gates.Count, objective.Gated.Records.Count);
    }

    [Fact]
    public void AControllerForAnotherModelIsRefused()
    {
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 4, Width: 0.25f, Frames: 8, Size: 16));
        var controller = new AapController(10, gates: 7);
        var e = Assert.Throws<ArgumentException>(() => new GatedForward(model, controller));
        Assert.Contains("trained for another model", e.Message);
    }
}
