using NativeDance.Runtime;

namespace NativeDance.Tests.Runtime;

public sealed class ClassifierBudgetTests(EmbeddingFixture files) : IClassFixture<EmbeddingFixture>
{
    private static readonly ClassifierOptions OnCpu = new() { Device = ComputeDevice.Cpu };

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.25f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void ABudgetOutsideZeroToOneIsRefusedNamingIt(float budget)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu with { Budget = budget }));
        Assert.Contains(budget.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Equal("Budget", e.ParamName);
    }

    [Fact]
    public void ABudgetBelowOneNeedsAControllerAndOneRunsDense()
    {
        var e = Assert.Throws<ArgumentException>(() => VideoClassifier.Load(files.ModelPath, null, OnCpu with { Budget = 0.5f }));
        Assert.Contains("controller", e.Message);
        using var dense = VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu with { Budget = 1f });
        Assert.False(dense.IsGated);
        Assert.Equal(1.0, dense.Classify(files.Clips[0]).ExecutedMacRatio, 1e-12);
        Assert.Equal(EmbeddingFixture.TrainedBudget, dense.TrainedBudget);
        // The controller is still checked: a model file in its place is refused.
        Assert.Throws<ArgumentException>(() => VideoClassifier.Load(files.ModelPath, files.ModelPath, OnCpu with { Budget = 1f }));
    }

    [Fact]
    public void TheBudgetSetsTheScaleSoTheCalibrationClipsMeetIt()
    {
        // Calibrated on the fixture's own test clips, then measured on them.
        var options = OnCpu with { CalibrationClips = files.Clips };
        using var tight = VideoClassifier.Load(files.ModelPath, files.ControllerPath, options with { Budget = 0.3f });
        using var loose = VideoClassifier.Load(files.ModelPath, files.ControllerPath, options with { Budget = 0.7f });
        Assert.True(tight.Scale > loose.Scale, $"scale {tight.Scale} for budget 0.3, {loose.Scale} for 0.7");
        foreach (var (classifier, budget) in new[] { (tight, 0.3), (loose, 0.7) })
        {
            double mean = files.Clips.Average(c => classifier.Classify(c).MacRatio);
            Assert.Equal(classifier.CalibratedMacRatio!.Value, mean, 1e-9);
            Assert.InRange(mean, budget - 0.1, budget + 0.1);
        }
    }

    [Fact]
    public void WithoutCalibrationClipsAProceduralModelIsFittedOnRenderedOnes()
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu with { Budget = 0.5f });
        Assert.True(classifier.IsGated);
        Assert.InRange(classifier.CalibratedMacRatio!.Value, 0.4, 0.6);
    }

    [Fact]
    public void CalibrationClipsOfTheWrongSizeAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => VideoClassifier.Load(files.ModelPath, files.ControllerPath,
            OnCpu with { Budget = 0.5f, CalibrationClips = [new float[10]] }));
        Assert.Contains("Calibration clip 0", e.Message);
    }
}
