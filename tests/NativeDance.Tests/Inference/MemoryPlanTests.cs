using NativeDance.Pruning.Inference;
using NativeDance.Tensors;

namespace NativeDance.Tests.Inference;

public class MemoryPlanTests
{
    [Fact]
    public void BuffersAliveTogetherNeverOverlapAndDeadOnesAreReused()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            var values = new List<PlanValue>();
            for (int i = 0; i < 12; i++)
            {
                var value = new PlanValue($"v{i}", new Shape(1, random.Next(1, 300)));
                int first = random.Next(0, 20);
                value.Touch(first);
                value.Touch(first + random.Next(0, 5));
                values.Add(value);
            }
            long length = MemoryPlan.Layout(values);
            foreach (var a in values)
            {
                Assert.Equal(0, a.Offset % 16);
                Assert.InRange(a.Offset + a.Length, 1, length);
                foreach (var b in values)
                {
                    bool aliveTogether = a.FirstStep <= b.LastStep && b.FirstStep <= a.LastStep;
                    bool overlap = a.Offset < b.Offset + b.Length && b.Offset < a.Offset + a.Length;
                    Assert.False(!ReferenceEquals(a, b) && aliveTogether && overlap, $"trial {trial}: {a.Name} and {b.Name} share memory while both alive");
                }
            }
        }
    }

    [Fact]
    public void AChainNeedsOnlyTwoBuffers()
    {
        var values = Enumerable.Range(0, 6).Select(i => new PlanValue($"v{i}", new Shape(1, 64))).ToList();
        for (int step = 0; step < 5; step++)
        {
            values[step].Touch(step);
            values[step + 1].Touch(step);
        }
        Assert.Equal(2 * 64, MemoryPlan.Layout(values));
    }

    [Fact]
    public void TheClipStaysOutOfTheArena()
    {
        var clip = new PlanValue("clip", new Shape(1, 1000), isClip: true);
        var output = new PlanValue("out", new Shape(1, 10));
        clip.Touch(0);
        output.Touch(0);
        Assert.Equal(16, MemoryPlan.Layout([clip, output]));
        Assert.Equal(-1, clip.Offset);
    }
}
