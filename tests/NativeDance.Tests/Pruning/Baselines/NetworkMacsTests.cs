using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Baselines;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using static NativeDance.Tests.Pruning.Baselines.BaselineFixture;

namespace NativeDance.Tests.Pruning.Baselines;

public class NetworkMacsTests
{
    [Theory]
    [InlineData("tiny-c3d")]
    [InlineData("r2plus1d-18")]
    public void WithNothingPrunedTheMeterAgreesWithDancesOwnRatio(string architecture)
    {
        // DANCE with every multiplier at zero keeps all frames and channels and every non-zero element: the natural
        // sparsity after ReLU. The baselines' meter must charge exactly the same for the same inputs.
        var model = Model(architecture);
        using var clips = RandomClips(seed: 6);
        var gated = (IGatedNetwork)model;
        int channels, frames;
        using (GradMode.NoGrad())
        {
            var a1 = gated.ForwardStem(Variable.Constant(clips));
            (channels, frames) = (a1.Shape[4], a1.Shape[1]);
        }
        var dance = new GatedForward(model, new AapController(ControllerFeatures.Count(channels, frames), gated.Gates.Count)) { Scale = 0f };
        Variable danceRatio;
        using (GradMode.NoGrad()) dance.Run(Variable.Constant(clips), 0.1f, out danceRatio);

        var macs = NetworkMacs.For(model, Clips);
        var (_, _, ratios) = Run(model, new ThresholdPolicy(new float[gated.Gates.Count]), new MacMeter(macs), clips);
        Assert.Equal(dance.TotalMacs, macs.TotalDenseMacs, 6);
        for (int n = 0; n < Clips[0]; n++)
        {
            Assert.Equal(danceRatio.Value[n], ratios[n], 1e-6);
            Assert.InRange(ratios[n], 0.05, 0.99);
        }
    }

    [Fact]
    public void ADenseInputCostsTheDenseExecutedMacsAndAnEmptyOneNothing()
    {
        var macs = NetworkMacs.For(Model(), Clips);
        for (int gate = 0; gate < macs.Gates.Count; gate++)
        {
            var g = macs.Gates[gate];
            int elements = g.FanT.Length * g.FanH.Length * g.FanW.Length * g.Conv.InChannels;
            var ones = Enumerable.Repeat(1f, elements).ToArray();
            Assert.Equal(g.DenseExecutedMacs, macs.ExecutedMacs(gate, ones, g.Conv.OutChannels), 6);
            Assert.Equal(0, macs.ExecutedMacs(gate, new float[elements], g.Conv.OutChannels));
            Assert.Throws<ArgumentException>(() => macs.ExecutedMacs(gate, new float[elements + 1], g.Conv.OutChannels));
        }
    }

    [Fact]
    public void AModelWithoutGatesIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => NetworkMacs.For(new NativeDance.Models.Layers.Linear(3, 2), Clips));
        Assert.Contains("no activation gates", e.Message);
        Assert.Throws<ArgumentException>(() => ChannelProducers.Of(new NativeDance.Models.Layers.Linear(3, 2)));
    }
}
