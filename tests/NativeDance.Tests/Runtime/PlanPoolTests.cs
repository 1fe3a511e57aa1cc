using NativeDance.Runtime.Execution;

namespace NativeDance.Tests.Runtime;

public sealed class PlanPoolTests
{
    /// <summary>A plan that fails the test if two callers run it at once.</summary>
    private sealed class ExclusivePlan : IExecutionPlan
    {
        private int _running;

        public int Runs;
        public bool Disposed;

        public double ExecutedMacRatio => 1;

        public double MacRatio => 1;

        public void Run(ReadOnlySpan<float> clip, Span<float> logits)
        {
            Assert.Equal(0, Interlocked.Exchange(ref _running, 1));
            Thread.SpinWait(200);
            Runs++;
            Volatile.Write(ref _running, 0);
        }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void PlansAreCompiledOnDemandUpToTheBoundAndReused()
    {
        var made = new List<ExclusivePlan>();
        using var pool = new PlanPool(2, () =>
        {
            var plan = new ExclusivePlan();
            made.Add(plan);
            return plan;
        });
        Assert.Single(made);
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.NotSame(a, b);
        Assert.Equal(2, pool.Created);
        pool.Return(a);
        Assert.Same(a, pool.Rent());
        pool.Return(a);
        pool.Return(b);
        Assert.Equal(2, made.Count);
    }

    [Fact]
    public void ConcurrentCallersNeverShareAPlanAndNeverExceedTheBound()
    {
        var made = new System.Collections.Concurrent.ConcurrentBag<ExclusivePlan>();
        using var pool = new PlanPool(3, () =>
        {
            var plan = new ExclusivePlan();
            made.Add(plan);
            return plan;
        });
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var plan = pool.Rent();
            try
            {
                plan.Run(default, default);
            }
            finally
            {
                pool.Return(plan);
            }
        });
        Assert.InRange(made.Count, 1, 3);
        Assert.Equal(2000, made.Sum(p => p.Runs));
    }

    [Fact]
    public void DisposeFreesParkedPlansAndPlansReturnedLater()
    {
        var made = new List<ExclusivePlan>();
        var pool = new PlanPool(2, () =>
        {
            var plan = new ExclusivePlan();
            made.Add(plan);
            return plan;
        });
        var rented = pool.Rent();
        var second = pool.Rent();
        pool.Return(second);
        pool.Dispose();
        Assert.True(((ExclusivePlan)second).Disposed);
        Assert.False(((ExclusivePlan)rented).Disposed);
        pool.Return(rented);
        Assert.True(((ExclusivePlan)rented).Disposed);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public void AFailedCompileLeavesRoomForAnother()
    {
        int calls = 0;
        using var pool = new PlanPool(2, () => ++calls == 2 ? throw new InvalidOperationException("out of memory") : new ExclusivePlan());
        var first = pool.Rent();
        Assert.Throws<InvalidOperationException>(() => pool.Rent());
        Assert.Equal(1, pool.Created);
        var third = pool.Rent();
        Assert.NotSame(first, third);
        pool.Return(first);
        pool.Return(third);
    }
}
