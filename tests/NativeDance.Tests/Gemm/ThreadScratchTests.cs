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
                var (first, firstPool) = ThreadScratch.Rent(1000);
                Assert.True(first != 0);
                Assert.Equal(0, firstPool);
                var (nested, nestedPool) = ThreadScratch.Rent(10);
                Assert.True(nested != first && nestedPool > 0, "a second use while the first holds the buffer must fall back to the pool");
                ThreadScratch.Return(nested, nestedPool);
                ((float*)first)[999] = 1f;
                ThreadScratch.Return(first, firstPool);

                var (again, againPool) = ThreadScratch.Rent(500);
                Assert.True(again == first && againPool == 0, "a smaller request reuses the thread's buffer");
                ThreadScratch.Return(again, againPool);

                var (grown, grownPool) = ThreadScratch.Rent(1 << 20);
                Assert.True(grown != 0 && grownPool == 0);
                ((float*)grown)[(1 << 20) - 1] = 2f;
                ThreadScratch.Return(grown, grownPool);
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
