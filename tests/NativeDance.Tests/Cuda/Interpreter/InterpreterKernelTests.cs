using NativeDance.Cuda;
using NativeDance.PtxInterpreter;

namespace NativeDance.Tests.Cuda.Interpreter;

/// <summary>Hand-written PTX programs run through the interpreter against plain C# references.</summary>
public sealed class InterpreterKernelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 32)]
    [InlineData(37, 32)]
    [InlineData(1000, 128)]
    [InlineData(257, 96)]
    public void SaxpyMatchesFusedReferenceBitForBit(int n, int block)
    {
        var random = new Random(n);
        float[] x = RandomFloats(random, n), y = RandomFloats(random, n);
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x), ys = device.Upload<float>(y);

        device.Launch(TestPrograms.Kernel("saxpy", "saxpy"), TestPrograms.Linear(n, block), new SaxpyArgs(xs, ys, (uint)n, 1.75f));

        float[] result = device.Download<float>(ys, n);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(MathF.FusedMultiplyAdd(1.75f, x[i], y[i]), result[i]);
        }

        Assert.Equal(((n + block - 1) / block) * (long)block, device.LastLaunch!.Threads);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(300)]
    [InlineData(1)]
    public void BlockSumReducesThroughSharedMemoryInTreeOrder(int n)
    {
        var random = new Random(n);
        float[] x = RandomFloats(random, n);
        var device = new PtxDevice();
        int blocks = (n + 127) / 128;
        ulong xs = device.Upload<float>(x), sums = device.Allocate(blocks * sizeof(float));

        device.Launch(TestPrograms.Kernel("collectives", "block_sum"), TestPrograms.Linear(n, 128), new InOutCountArgs(xs, sums, (uint)n));

        float[] result = device.Download<float>(sums, blocks);
        for (int b = 0; b < blocks; b++)
        {
            var partial = new float[128];
            for (int t = 0; t < 128; t++)
            {
                partial[t] = b * 128 + t < n ? x[b * 128 + t] : 0f;
            }

            for (int stride = 64; stride > 0; stride >>= 1)
            {
                for (int t = 0; t < stride; t++)
                {
                    partial[t] += partial[t + stride];
                }
            }

            Assert.Equal(partial[0], result[b]);
        }
    }

    [Fact]
    public void BlockSumRejectsABlockOtherThanItsReqntid()
    {
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(new float[64]), sums = device.Allocate(4);
        var error = Assert.Throws<ArgumentException>(() =>
            device.Launch(TestPrograms.Kernel("collectives", "block_sum"), TestPrograms.Linear(64, 64), new InOutCountArgs(xs, sums, 64)));
        Assert.Contains("reqntid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WarpSumReducesWithButterflyShuffles()
    {
        const int threads = 128;
        var random = new Random(3);
        float[] x = RandomFloats(random, threads);
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x), sums = device.Allocate(threads / 32 * sizeof(float));

        device.Launch(TestPrograms.Kernel("collectives", "warp_sum"), TestPrograms.Linear(threads, 64), new InOutArgs(xs, sums));

        float[] result = device.Download<float>(sums, threads / 32);
        for (int w = 0; w < threads / 32; w++)
        {
            float[] lanes = x.AsSpan(w * 32, 32).ToArray();
            foreach (int mask in (int[])[16, 8, 4, 2, 1])
            {
                lanes = Enumerable.Range(0, 32).Select(l => lanes[l] + lanes[l ^ mask]).ToArray();
            }

            Assert.All(lanes, v => Assert.Equal(lanes[0], v));
            Assert.Equal(lanes[0], result[w]);
        }
    }

    [Fact]
    public void ShuffleModesFollowTheClampRules()
    {
        const int threads = 64;
        uint[] x = Enumerable.Range(0, threads).Select(i => (uint)(1000 + i * 7)).ToArray();
        var device = new PtxDevice();
        ulong xs = device.Upload<uint>(x), outs = device.Allocate(threads * 16);

        device.Launch(TestPrograms.Kernel("collectives", "warp_shuffles"), TestPrograms.Linear(threads, 64), new InOutArgs(xs, outs));

        uint[] result = device.Download<uint>(outs, threads * 4);
        for (int i = 0; i < threads; i++)
        {
            int lane = i % 32, warp = i - lane;
            bool downValid = lane + 3 <= 31;
            Assert.Equal(x[warp + (downValid ? lane + 3 : lane)], result[4 * i]);
            Assert.Equal(downValid ? 1u : 0u, result[4 * i + 1]);
            Assert.Equal(x[warp + 5], result[4 * i + 2]);
            Assert.Equal(x[warp + (lane >= 2 ? lane - 2 : lane)], result[4 * i + 3]);
        }
    }

    [Fact]
    public void WarpVotesSeeTheWholeWarp()
    {
        const int threads = 96;
        var random = new Random(5);
        int[] x = Enumerable.Range(0, threads).Select(i => i < 32 ? 1 : i < 64 ? random.Next(-3, 3) : -1).ToArray();
        var device = new PtxDevice();
        ulong xs = device.Upload<int>(x), outs = device.Allocate(threads * 16);

        device.Launch(TestPrograms.Kernel("collectives", "warp_votes"), TestPrograms.Linear(threads, 96), new InOutArgs(xs, outs));

        uint[] result = device.Download<uint>(outs, threads * 4);
        for (int i = 0; i < threads; i++)
        {
            int warp = i / 32 * 32;
            uint ballot = 0;
            for (int l = 0; l < 32; l++)
            {
                ballot |= x[warp + l] > 0 ? 1u << l : 0;
            }

            Assert.Equal(ballot, result[4 * i]);
            Assert.Equal(ballot != 0 ? 1u : 0u, result[4 * i + 1]);
            Assert.Equal(ballot == uint.MaxValue ? 1u : 0u, result[4 * i + 2]);
            Assert.Equal(ballot is 0 or uint.MaxValue ? 1u : 0u, result[4 * i + 3]);
        }
    }

    [Fact]
    public void BarrierReductionsVoteOverTheBlock()
    {
        const int block = 48;
        float[] x = new float[block * 3];
        x[block + 17] = 2f;
        for (int i = 2 * block; i < 3 * block; i += 5)
        {
            x[i] = -1f;
        }

        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x), outs = device.Allocate(3 * 12);

        device.Launch(TestPrograms.Kernel("collectives", "block_votes"), TestPrograms.Linear(x.Length, block), new InOutArgs(xs, outs));

        uint[] result = device.Download<uint>(outs, 9);
        Assert.Equal([0u, 1u, 0u, 1u, 0u, 1u, 1u, 0u, (uint)((block + 4) / 5)], result);
    }

    [Fact]
    public void AtomicsCountSumAndPickOneCasWinner()
    {
        const int n = 200;
        var random = new Random(11);
        float[] x = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0 ? 0f : random.Next(-50, 50)).ToArray();
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x);
        int[] initial = [0, 0, int.MinValue, int.MaxValue, 0, 0, 0, 0, 0, 0];
        ulong counters = device.Upload<int>(initial);

        device.Launch(TestPrograms.Kernel("atomics", "count_and_sum"), TestPrograms.Linear(n, 64), new InOutCountArgs(xs, counters, n));

        int[] result = device.Download<int>(counters, initial.Length);
        float[] nonzero = x.Where(v => v != 0).ToArray();
        Assert.Equal(nonzero.Length, result[0]);
        Assert.Equal(nonzero.Sum(), BitConverter.Int32BitsToSingle(result[1]));
        Assert.Equal((int)nonzero.Max(), result[2]);
        Assert.Equal((int)nonzero.Min(), result[3]);
        Assert.Equal(nonzero.Length, result[4]);
        Assert.Equal(0, result[5]);
        Assert.Equal(nonzero.Length, result[6]);
        Assert.InRange(result[7], 1, n);
        Assert.NotEqual(0f, x[result[7] - 1]);
        Assert.Equal(1, result[8]);
        Assert.Equal(nonzero.Sum(), BitConverter.Int32BitsToSingle(result[9]));
    }

    [Fact]
    public void VectorLoadsAndStoresMoveFourElements()
    {
        const int vectors = 45;
        var random = new Random(7);
        float[] x = RandomFloats(random, vectors * 4 + 4);
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x), ys = device.Allocate(vectors * 16);

        device.Launch(TestPrograms.Kernel("vectors", "scale_v4"), TestPrograms.Linear(vectors, 32), new ScaleV4Args(xs, ys, 16, vectors, -0.5f));

        float[] result = device.Download<float>(ys, vectors * 4);
        for (int i = 0; i < result.Length; i++)
        {
            Assert.Equal(x[i + 4] * -0.5f, result[i]);
        }
    }

    [Theory]
    [InlineData(32, 2)]
    [InlineData(100, 3)]
    public void DynamicSharedMemoryIsReachedThroughGenericAndSharedAddresses(int block, int blocks)
    {
        var random = new Random(block);
        float[] x = RandomFloats(random, block * blocks);
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x), ys = device.Allocate(x.Length * sizeof(float));

        device.Launch(TestPrograms.Kernel("spaces", "dynamic_reverse"), TestPrograms.Linear(x.Length, block, (uint)(block * 4)), new InOutArgs(xs, ys));

        float[] result = device.Download<float>(ys, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            int b = i / block, t = i % block;
            Assert.Equal(x[b * block + block - 1 - t], result[i]);
        }
    }

    [Fact]
    public void LocalMemoryIsPrivateToEachThread()
    {
        const int threads = 40;
        var random = new Random(9);
        float[] x = RandomFloats(random, threads * 4);
        var device = new PtxDevice();
        ulong xs = device.Upload<float>(x), ys = device.Allocate(x.Length * sizeof(float));

        device.Launch(TestPrograms.Kernel("spaces", "local_reverse"), TestPrograms.Linear(threads, threads), new InOutArgs(xs, ys));

        float[] result = device.Download<float>(ys, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i / 4 * 4 + 3 - i % 4], result[i]);
        }
    }

    [Theory]
    [InlineData(17, 23, 31)]
    [InlineData(64, 64, 200)]
    public void MatmulMatchesSequentialFmaReference(int m, int n, int k)
    {
        var random = new Random(m * n + k);
        float[] a = RandomFloats(random, m * k), b = RandomFloats(random, k * n);
        var device = new PtxDevice();
        ulong aa = device.Upload<float>(a), bb = device.Upload<float>(b), cc = device.Allocate(m * n * sizeof(float));
        var shape = new LaunchShape(new Dim3((uint)((n + 15) / 16), (uint)((m + 15) / 16)), new Dim3(16, 16));

        device.Launch(TestPrograms.Kernel("matmul", "matmul"), shape, new MatmulArgs(aa, bb, cc, (uint)m, (uint)n, (uint)k));

        output.WriteLine(device.LastLaunch!.ToString());
        float[] c = device.Download<float>(cc, m * n);
        for (int row = 0; row < m; row++)
        {
            for (int col = 0; col < n; col++)
            {
                float sum = 0;
                for (int i = 0; i < k; i++)
                {
                    sum = MathF.FusedMultiplyAdd(a[row * k + i], b[i * n + col], sum);
                }

                Assert.Equal(sum, c[row * n + col]);
            }
        }
    }

    private static float[] RandomFloats(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
}
