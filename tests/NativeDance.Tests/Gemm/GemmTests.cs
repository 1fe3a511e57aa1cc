using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Gemm;

[Collection(nameof(KernelSettings))]
public class GemmTests
{
    // Sizes around the blocking edges: tile rows (28/14/6/4), panel widths (32/16/8/2), K chunks of 512, task groups of 56 rows.
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (7, 13, 33), (13, 7, 257), (33, 65, 1), (12, 32, 512), (257, 33, 300), (241, 40, 513),
    ];

    [Theory]
    [MemberData(nameof(KernelSettings.WidthNames), MemberType = typeof(KernelSettings))]
    public void AllTransposesAndSizesMatchReference(string width)
    {
        var random = new Random(11);
        foreach (int threads in new[] { 1, 2 })
        foreach (var (m, n, k) in Sizes)
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            // Leading dimensions larger than needed, so strides are exercised.
            int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2;
            AssertMatchesReference(random, Enum.Parse<SimdWidth>(width), threads, ta, tb, m, n, k, 0.75f, -0.5f, lda, ldb, ldc,
                $"{width} threads={threads} m={m} n={n} k={k} transA={ta} transB={tb}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelSettings.WidthNames), MemberType = typeof(KernelSettings))]
    public void BetaZeroOverwritesNaN(string width)
    {
        var random = new Random(12);
        const int m = 29, n = 45, k = 70;
        var a = Random(random, m * k);
        var b = Random(random, k * n);
        var c = new GuardedBuffer(m * n, fill: float.NaN);
        var expected = GemmReference.Multiply(false, false, m, n, k, 1, a, k, b, n, 0, new float[m * n], n);
        KernelSettings.Run(width, 2, () => Tensors.Gemm.Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c.Span, n));
        Numerics.AssertClose(c.Span, expected, 1e-10, $"{width} beta=0 over NaN");
        c.AssertGuardIntact($"{width} beta=0 over NaN");
    }

    [Fact]
    public void ZeroAlphaOrDepthOnlyScalesC()
    {
        var c = new[] { 1f, 2f, float.NaN, 4f };
        var a = new[] { float.NaN, float.NaN };
        Tensors.Gemm.Gemm.Multiply(false, false, 2, 2, 1, 0f, a, 1, a, 2, 0.5f, c, 2);
        Assert.Equal(new[] { 0.5f, 1f, float.NaN, 2f }, c);
        Tensors.Gemm.Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0f, c, 2);
        Assert.Equal(new float[4], c);
    }

    [Fact]
    public void LargeProblemMatchesReferenceOnTwoThreads()
    {
        // Several 56-row task groups, several K chunks, and an edge panel at once.
        var random = new Random(13);
        const int m = 600, n = 100, k = 700;
        var a = Random(random, m * k);
        var b = Random(random, n * k);
        var c = new GuardedBuffer(m * n);
        var expected = GemmReference.Multiply(false, true, m, n, k, 1, a, k, b, k, 0, new float[m * n], n);
        KernelSettings.Run(SimdDispatch.Best, 2, () => Tensors.Gemm.Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c.Span, n));
        Numerics.AssertClose(c.Span, expected, 1e-10, "600 x 100 x 700");
        c.AssertGuardIntact("600 x 100 x 700");
    }

    [Theory]
    [InlineData(13, 2100, 1030)]
    [InlineData(5, 8300, 300)]
    public void BlocksOfPackedBMatchReference(int m, int n, int k)
    {
        // B larger than one packed block: split along K (beta applies to the first block only) and along N.
        AssertMatchesReference(new Random(14), SimdDispatch.Best, 2, false, false, m, n, k, 1f, 0.5f, k, n, n, $"{m} x {n} x {k}");
    }

    [Fact]
    public void TallTileEveryRowCountMatchesReference()
    {
        // From 28 rows on, AVX-512 runs the 28 x 16 tile: M = 28..56 gives the last block every count from 1 to 28, and
        // the odd K its single step before the pairs of steps.
        Assert.SkipUnless(TallKernel<PackedRowStride>.IsSupported, "the 28 x 16 tile needs AVX-512");
        var random = new Random(16);
        const int n = 37, k = 301;
        for (int m = 28; m <= 56; m++)
            AssertMatchesReference(random, SimdWidth.Vector512, 1, false, false, m, n, k, 1.5f, 0.25f, k, n, n, $"m={m}");
    }

    [Fact]
    public void MultiplyAllocatesNothing()
    {
        var random = new Random(15);
        const int m = 70, n = 90, k = 300;
        var a = Random(random, k * m);
        var b = Random(random, k * n);
        var c = new float[m * n];
        KernelSettings.Run(SimdDispatch.Best, 1, () =>
        {
            Tensors.Gemm.Gemm.Multiply(true, false, m, n, k, 1f, a, m, b, n, 0f, c, n);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Tensors.Gemm.Gemm.Multiply(true, false, m, n, k, 1f, a, m, b, n, 0f, c, n);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void BadArgumentsNameTheValues()
    {
        var x = new float[100];
        var e = Assert.Throws<ArgumentException>(() => Tensors.Gemm.Gemm.Multiply(false, false, -1, 2, 3, 1f, x, 3, x, 2, 0f, x, 2));
        Assert.Contains("m=-1", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensors.Gemm.Gemm.Multiply(false, false, 4, 4, 5, 1f, x, 4, x, 4, 0f, x, 4));
        Assert.Contains("Leading dimension of A is 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensors.Gemm.Gemm.Multiply(true, false, 4, 4, 30, 1f, x, 4, x, 4, 0f, x, 4));
        Assert.Contains("A holds 100 elements", e.Message);
        Assert.Contains("needs 120", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensors.Gemm.Gemm.Multiply(false, true, 4, 21, 5, 1f, x, 5, x, 5, 0f, x, 21));
        Assert.Contains("B holds 100", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensors.Gemm.Gemm.Multiply(false, false, 11, 10, 1, 1f, x, 1, x, 10, 0f, x, 10));
        Assert.Contains("C holds 100", e.Message);
    }

    /// <summary>
    /// C = alpha op(A) op(B) + beta C on random operands, C starting random inside guard regions, at the given width and
    /// thread count; checks C against the double-precision reference and the guards for stray writes.
    /// </summary>
    private static void AssertMatchesReference(Random random, SimdWidth width, int threads, bool ta, bool tb, int m, int n, int k,
        float alpha, float beta, int lda, int ldb, int ldc, string context)
    {
        var a = Random(random, (ta ? k : m) * lda);
        var b = Random(random, (tb ? n : k) * ldb);
        var c = new GuardedBuffer(m * ldc);
        var initial = Random(random, m * ldc);
        initial.CopyTo(c.Span);
        var expected = GemmReference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, initial, ldc);
        KernelSettings.Run(width, threads, () => Tensors.Gemm.Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c.Span, ldc));
        Numerics.AssertClose(c.Span, expected, 1e-10, context);
        c.AssertGuardIntact(context);
    }

    private static float[] Random(Random random, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }
}
