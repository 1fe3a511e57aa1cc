using NativeDance.Data;
using NativeDance.Data.Procedural;

namespace NativeDance.Tests.Data;

public class ProceduralVideoDatasetTests
{
    private static readonly ClipSpec Spec = new(8, 16, 16, 3);

    [Fact]
    public void ClipsAreReproducibleFromTheSeedAndDifferAcrossSplitsAndSeeds()
    {
        var a = Read(new ProceduralVideoDataset(DatasetSplit.Train, 20, Spec, seed: 5), 7);
        var b = Read(new ProceduralVideoDataset(DatasetSplit.Train, 20, Spec, seed: 5), 7);
        var otherSplit = Read(new ProceduralVideoDataset(DatasetSplit.Test, 20, Spec, seed: 5), 7);
        var otherSeed = Read(new ProceduralVideoDataset(DatasetSplit.Train, 20, Spec, seed: 6), 7);
        Assert.Equal(a, b);
        Assert.NotEqual(a, otherSplit);
        Assert.NotEqual(a, otherSeed);
    }

    [Fact]
    public void LabelsAreBalancedAndPixelsLieInTheUnitRange()
    {
        var ds = new ProceduralVideoDataset(DatasetSplit.Train, 40, Spec, seed: 1);
        var counts = new int[ds.ClassNames.Count];
        var clip = new float[Spec.ElementCount];
        for (int i = 0; i < ds.Count; i++)
        {
            counts[ds.ReadClip(i, clip)]++;
            Assert.All(clip, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.Equal(10, counts.Length);
        Assert.All(counts, c => Assert.Equal(4, c));
    }

    [Fact]
    public void StaticClipsHoldStillAndMovingClipsChange()
    {
        var ds = new ProceduralVideoDataset(DatasetSplit.Train, 20, Spec, seed: 2);
        double staticChange = 0, movingChange = 0;
        for (int i = 0; i < 20; i++)
        {
            var clip = Read(ds, i);
            double change = MeanAbsoluteFrameDifference(clip, Spec, 0, Spec.Frames - 1);
            if ((MotionClass)(i % 10) == MotionClass.Static) staticChange += change;
            else movingChange += change / 9;
        }
        Assert.True(movingChange > 3 * staticChange, $"moving {movingChange:F4} vs static {staticChange:F4}");
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ProceduralVideoDataset(DatasetSplit.Train, 5, new ClipSpec(2, 16, 16, 3), 1));
        Assert.Throws<ArgumentException>(() => new ProceduralVideoDataset(DatasetSplit.Train, -1, Spec, 1));
        var ds = new ProceduralVideoDataset(DatasetSplit.Train, 5, Spec, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.ReadClip(5, new float[Spec.ElementCount]));
        Assert.Throws<ArgumentException>(() => ds.ReadClip(0, new float[3]));
    }

    private static float[] Read(IClipDataset ds, int index)
    {
        var clip = new float[ds.Spec.ElementCount];
        ds.ReadClip(index, clip);
        return clip;
    }

    private static double MeanAbsoluteFrameDifference(float[] clip, ClipSpec spec, int t0, int t1)
    {
        int frame = spec.Height * spec.Width * spec.Channels;
        double sum = 0;
        for (int i = 0; i < frame; i++) sum += Math.Abs(clip[t1 * frame + i] - clip[t0 * frame + i]);
        return sum / frame;
    }
}
