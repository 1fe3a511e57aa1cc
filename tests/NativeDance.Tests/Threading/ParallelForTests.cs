using NativeDance.Tensors.Threading;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Threading;

[Collection(nameof(NativeDance.Tests.Gemm.KernelSettings))]
public class ParallelForTests
{
    private unsafe struct SquareInto : IParallelBody
    {
        public int* Output;

        public void Invoke(int index) => Output[index] = index * index;
    }

    private struct Throwing : IParallelBody
    {
        public int FailAt;

        public readonly void Invoke(int index)
        {
            if (index == FailAt) throw new InvalidOperationException($"iteration {index} failed");
        }
    }

    private unsafe struct NestedLoop : IParallelBody
    {
        public int* Output;

        public void Invoke(int index)
        {
            var inner = new SquareInto { Output = Output + index * 10 };
            ParallelFor.Run(10, ref inner);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 1000)]
    [InlineData(4, 37)]
    public unsafe void EveryIterationRunsExactlyOnce(int threads, int count)
    {
        int saved = ParallelFor.Threads;
        ParallelFor.Threads = threads;
        try
        {
            var output = new int[count + 1];
            output[count] = -7;
            fixed (int* p = output)
            {
                var body = new SquareInto { Output = p };
                ParallelFor.Run(count, ref body);
            }
            for (int i = 0; i < count; i++) Assert.Equal(i * i, output[i]);
            Assert.Equal(-7, output[count]);
        }
        finally
        {
            ParallelFor.Threads = saved;
        }
    }

    private unsafe struct CountVisits : IParallelBody
    {
        public int* Visits;

        public void Invoke(int index) => Interlocked.Increment(ref Visits[index]);
    }

    /// <summary>
    /// Loops of every size back to back (chunks of one iteration and of several, with a short last chunk), some after
    /// a pause long enough for the workers to block: no iteration may run twice or be lost.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public unsafe void LoopsAfterWorkersBlockedRunEveryIterationOnce(int threads)
    {
        int saved = ParallelFor.Threads;
        ParallelFor.Threads = threads;
        try
        {
            var visits = new int[300];
            fixed (int* p = visits)
            {
                for (int loop = 0; loop < 60; loop++)
                {
                    int count = 1 + loop * 37 % 299;
                    Array.Clear(visits);
                    var body = new CountVisits { Visits = p };
                    ParallelFor.Run(count, ref body);
                    for (int i = 0; i < visits.Length; i++) Assert.Equal(i < count ? 1 : 0, visits[i]);
                    if (loop % 7 == 0) Thread.Sleep(2);
                }
            }
        }
        finally
        {
            ParallelFor.Threads = saved;
        }
    }

    /// <summary>
    /// Loops of two iterations right after the workers went to sleep: the caller usually finishes before a worker wakes,
    /// and the late worker must stay out of that loop (its body lives on a stack frame that is gone) and of no later one.
    /// </summary>
    [Fact]
    public unsafe void WorkersWakingAfterTheLoopEndedTouchNothing()
    {
        int saved = ParallelFor.Threads;
        ParallelFor.Threads = 2;
        try
        {
            var visits = new int[2];
            fixed (int* p = visits)
            {
                for (int loop = 0; loop < 400; loop++)
                {
                    if (loop % 40 == 0) Thread.Sleep(1);
                    var body = new CountVisits { Visits = p };
                    ParallelFor.Run(2, ref body);
                    Assert.Equal([loop + 1, loop + 1], visits);
                }
            }
        }
        finally
        {
            ParallelFor.Threads = saved;
        }
    }

    [Fact]
    public void AnExceptionInAnyIterationReachesTheCaller()
    {
        var body = new Throwing { FailAt = 77 };
        var e = Assert.Throws<InvalidOperationException>(() => ParallelFor.Run(100, ref body));
        Assert.Contains("77", e.Message);
        var fine = new Throwing { FailAt = -1 };
        ParallelFor.Run(100, ref fine);
    }

    [Fact]
    public unsafe void NestedLoopsRunInline()
    {
        var output = new int[50];
        fixed (int* p = output)
        {
            var body = new NestedLoop { Output = p };
            ParallelFor.Run(5, ref body);
        }
        for (int i = 0; i < 50; i++) Assert.Equal((i % 10) * (i % 10), output[i]);
    }

    [Fact]
    public unsafe void ALoopAllocatesNothing()
    {
        var output = new int[64];
        fixed (int* p = output)
        {
            var body = new SquareInto { Output = p };
            ParallelFor.Run(64, ref body);
            SteadyState.AssertAllocatesNothing(() =>
            {
                for (int i = 0; i < 10; i++) ParallelFor.Run(64, ref body);
            });
        }
    }

    [Fact]
    public void ThreadsBelowOneAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelFor.Threads = 0);
    }
}
