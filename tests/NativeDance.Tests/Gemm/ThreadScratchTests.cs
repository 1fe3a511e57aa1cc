using NativeDance.Tensors.Gemm;

namespace NativeDance.Tests.Gemm;

public unsafe class ThreadScratchTests
{
    [Fact]
    public void AThreadGetsItsBufferBackAndNeverTwiceAtOnce()
    {
        // Run on a fresh thread, so no other test's use of the buffer interferes.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                float* first = ThreadScratch.Acquire(1000);
                Assert.True(first != null);
                Assert.True(ThreadScratch.Acquire(10) == null, "a second use while the first holds the buffer must fall back to the pool");
                first[999] = 1f;
                ThreadScratch.Release();

                Assert.True(ThreadScratch.Acquire(500) == first, "a smaller request reuses the thread's buffer");
                ThreadScratch.Release();

                float* grown = ThreadScratch.Acquire(1 << 20);
                Assert.True(grown != null);
                grown[(1 << 20) - 1] = 2f;
                ThreadScratch.Release();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }
}
