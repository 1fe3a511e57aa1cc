using NativeDance.Data;
using NativeDance.Data.Procedural;

namespace NativeDance.Tests.Data;

public class ClipSubsetTests
{
    private static readonly ClipSpec Spec = new(4, 8, 8, 3);

    [Fact]
    public void ASubsetIsASeededSelectionOfTheSourceClips()
    {
        var source = new ProceduralVideoDataset(DatasetSplit.Train, 30, Spec, seed: 1);
        var a = new ClipSubset(source, 12, seed: 5);
        var b = new ClipSubset(source, 12, seed: 5);
        var c = new ClipSubset(source, 12, seed: 6);
        Assert.Equal(12, a.Count);
        var picked = Enumerable.Range(0, 12).Select(i => Read(a, i)).ToList();
        Assert.Equal(picked.Select(p => p.Clip), Enumerable.Range(0, 12).Select(i => Read(b, i).Clip));
        Assert.NotEqual(picked.Select(p => p.Clip), Enumerable.Range(0, 12).Select(i => Read(c, i).Clip));
        var all = Enumerable.Range(0, 30).Select(i => Read(source, i)).ToList();
        Assert.All(picked, p => Assert.Contains(all, s => s.Label == p.Label && s.Clip.SequenceEqual(p.Clip)));
        Assert.Equal(30, new ClipSubset(source, 100, seed: 1).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.ReadClip(12, new float[Spec.ElementCount]));
    }

    [Fact]
    public void TheCatalogSubsetsLargeSplitsOnlyWhenAskedTo()
    {
        var whole = DatasetCatalog.Open(new DatasetRequest("procedural", Spec, TrainClips: 40), DatasetSplit.Train);
        Assert.Equal(40, whole.Count);
        Assert.Equal(DatasetRequest.DefaultProceduralEvalClips, DatasetCatalog.Open(new DatasetRequest("procedural", Spec), DatasetSplit.Test).Count);
    }

    private static (int Label, float[] Clip) Read(IClipDataset d, int i)
    {
        var clip = new float[d.Spec.ElementCount];
        int label = d.ReadClip(i, clip);
        return (label, clip);
    }
}
