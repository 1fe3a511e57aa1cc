using NativeDance.PtxInterpreter;

namespace NativeDance.Tests.Cuda.Interpreter;

/// <summary>Rounding, saturation, integer and floating-point corner cases of the interpreted PTX.</summary>
public sealed class InterpreterSemanticsTests
{
    [Fact]
    public void FloatToIntegerConversionsRoundAndSaturate()
    {
        float[] x = [2.5f, -2.5f, 3.5f, -0.5f, 1.7f, -1.7f, 1e10f, -1e10f, float.NaN];
        int[][] expected =
        [
            [2, 2, 2, 3, 2, Bits(2f), 2, 3],
            [-2, -2, -3, -2, 0, Bits(-2f), -2, -2],
            [4, 3, 3, 4, 4, Bits(4f), 3, 4],
            [0, 0, -1, 0, 0, Bits(-0f), 0, 0],
            [2, 1, 1, 2, 2, Bits(2f), 1, 2],
            [-2, -1, -2, -1, 0, Bits(-2f), -1, -1],
            [int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, -1, Bits(1e10f), 127, unchecked((int)10_000_000_000L)],
            [int.MinValue, int.MinValue, int.MinValue, int.MinValue, 0, Bits(-1e10f), -128, unchecked((int)-10_000_000_000L)],
            [0, 0, 0, 0, 0, 0x7FFFFFFF, 0, 0],
        ];

        int[] result = Run<float, int>("float_to_int", x, 8);

        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(expected[i], result.AsSpan(i * 8, 8).ToArray());
        }
    }

    [Fact]
    public void IntegerToFloatConversionsRoundInEveryMode()
    {
        int[] x = [16777217, -16777217, 16777219, 7, int.MaxValue, int.MinValue];
        float[][] expected =
        [
            [16777216f, 16777216f, 16777216f, 16777218f],
            [-16777216f, -16777216f, -16777218f, -16777216f],
            [16777220f, 16777218f, 16777218f, 16777220f],
            [7f, 7f, 7f, 7f],
            [2147483648f, 2147483520f, 2147483520f, 2147483648f],
            [-2147483648f, -2147483648f, -2147483648f, -2147483648f],
        ];

        float[] result = Run<int, float>("int_to_float", x, 4);

        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(expected[i], result.AsSpan(i * 4, 4).ToArray());
        }
    }

    [Fact]
    public void SixtyFourBitIntegersRoundToFloat()
    {
        long[] x = [(1L << 53) + 1, -1, long.MaxValue];
        float[][] expected =
        [
            [9007199254740992f, 9007199254740992f, 9007199254740992f, 9007200328482816f],
            [-1f, -1f, 18446744073709551616f, 18446744073709551616f],
            [9223372036854775808f, 9223371487098961920f, 9223372036854775808f, 9223372036854775808f],
        ];

        float[] result = Run<long, float>("long_to_float", x, 4);

        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(expected[i], result.AsSpan(i * 4, 4).ToArray());
        }
    }

    [Fact]
    public void DoubleToFloatConversionsRoundInEveryMode()
    {
        double[] x = [1.0 / 3, -1.0 / 3, 1e300, 1.5];
        uint[][] expected =
        [
            [0x3EAAAAAB, 0x3EAAAAAA, 0x3EAAAAAA, 0x3EAAAAAB],
            [0xBEAAAAAB, 0xBEAAAAAA, 0xBEAAAAAB, 0xBEAAAAAA],
            [0x7F800000, 0x7F7FFFFF, 0x7F7FFFFF, 0x7F800000],
            [0x3FC00000, 0x3FC00000, 0x3FC00000, 0x3FC00000],
        ];

        uint[] result = Run<double, uint>("double_to_float", x, 4);

        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(expected[i], result.AsSpan(i * 4, 4).ToArray());
        }
    }

    [Fact]
    public void IntegerOperationsFollowPtxSemantics()
    {
        (int A, int B)[] pairs = [(-2, 3), (-16, 2), (-1, 40), (7, 33), (123456789, -987), (int.MinValue, -1), (-3, 5), (0x40000000, 4), (-7, 2)];
        uint[] result = RunBinary("integer_ops", pairs.Select(p => p.A).ToArray(), pairs.Select(p => p.B).ToArray(), 16);

        for (int i = 0; i < pairs.Length; i++)
        {
            Assert.Equal(IntegerReference(pairs[i].A, pairs[i].B), result.AsSpan(i * 16, 16).ToArray());
        }

        Assert.Equal(0xFFFFFFFFu, result[1]);
        Assert.Equal([0xFFFFFFFCu, 0x3FFFFFFCu], result.AsSpan(16 + 5, 2).ToArray());
        Assert.Equal([0xFFFFFFFFu, 0u, 0u], result.AsSpan(32 + 5, 3).ToArray());
        Assert.Equal([0xFFFFFFF1u, 0xFFFFFFFFu], result.AsSpan(6 * 16 + 3, 2).ToArray());
        Assert.Equal([unchecked((uint)-3), unchecked((uint)-1)], result.AsSpan(8 * 16 + 8, 2).ToArray());
    }

    [Fact]
    public void SixtyFourBitOperationsFollowPtxSemantics()
    {
        (long A, long B)[] pairs = [(-7, 2), (long.MinValue, -1), (123456789012345, 1000003), (-1, 64), (0x00F0F0F0F0F0F0F0, 3), (-5, -3), ((1L << 60) + 1, -1L << 40)];
        var device = new PtxDevice();
        ulong a = device.Upload<long>(pairs.Select(p => p.A).ToArray()), b = device.Upload<long>(pairs.Select(p => p.B).ToArray());
        ulong output = device.Allocate(pairs.Length * 12 * sizeof(ulong));

        device.Launch(TestPrograms.Kernel("arithmetic", "wide_ops"), TestPrograms.Linear(pairs.Length, 32), new BinaryArgs(a, b, output, (uint)pairs.Length));

        ulong[] result = device.Download<ulong>(output, pairs.Length * 12);
        for (int i = 0; i < pairs.Length; i++)
        {
            Assert.Equal(WideReference(pairs[i].A, pairs[i].B), result.AsSpan(i * 12, 12).ToArray());
        }

        Assert.Equal(ulong.MaxValue, result[1]);
        Assert.Equal(1UL, result[2]);
        Assert.Equal([unchecked((ulong)long.MinValue), 0UL], result.AsSpan(12 + 3, 2).ToArray());
    }

    [Fact]
    public void FloatOperationsHandleNaNSignedZeroAndRounding()
    {
        float[] a = [1f, float.NaN, 2f, -0f, 3f, -4f, 2f, 1e-45f, 0.1f];
        float[] b = [2f, 1f, float.NaN, 0f, 3f, 0.5f, 0f, 2f, 0.7f];
        uint[] result = RunBinary("float_ops", a, b, 16);

        for (int i = 0; i < a.Length; i++)
        {
            uint[] row = result.AsSpan(i * 16, 16).ToArray();
            float x = a[i], y = b[i];
            bool unordered = float.IsNaN(x) || float.IsNaN(y);
            Assert.Equal(
                [Flag(x < y), Flag(x < y || unordered), Flag(!(x == y)), Flag(x != y && !unordered), Flag(unordered), Flag(!unordered)],
                row[..6]);
            Assert.Equal(Canonical(float.IsNaN(x) ? y : float.IsNaN(y) ? x : MathF.Min(x, y)), row[6]);
            Assert.Equal(Canonical(float.IsNaN(x) ? y : float.IsNaN(y) ? x : MathF.Max(x, y)), row[7]);
            Assert.Equal(Canonical(x / y), row[8]);
            Assert.Equal(Canonical(MathF.Sqrt(x)), row[9]);
            Assert.Equal(Canonical(1f / y), row[10]);
            Assert.Equal(Flag(x < y && x > 0), row[12]);
            AssertApproximately(MathF.Pow(2, x), BitConverter.UInt32BitsToSingle(row[11]));
            AssertApproximately(MathF.Log2(y), BitConverter.UInt32BitsToSingle(row[13]));
            Assert.Equal(Canonical(MathF.FusedMultiplyAdd(x, y, x)), row[14]);
            Assert.Equal(BitConverter.SingleToUInt32Bits(x) & 0x7FFFFFFFu, row[15]);
        }

        Assert.Equal([0u, 1u, 1u, 0u, 1u, 0u], result.AsSpan(16, 6).ToArray());
        Assert.Equal(0x80000000u, result[3 * 16 + 6]);
        Assert.Equal(0u, result[3 * 16 + 7]);
    }

    private static uint[] IntegerReference(int a, int b)
    {
        uint ua = (uint)a, ub = (uint)b;
        long wide = (long)a * b;
        return
        [
            unchecked((uint)(a * b)),
            (uint)(wide >> 32),
            (uint)(((ulong)ua * ub) >> 32),
            (uint)wide,
            (uint)(wide >> 32),
            (uint)(ub > 31 ? (a < 0 ? -1 : 0) : a >> (int)ub),
            ub > 31 ? 0 : ua >> (int)ub,
            ub > 31 ? 0 : ua << (int)ub,
            unchecked((uint)(b == -1 ? -a : a / b)),
            (uint)(b == -1 ? 0 : a % b),
            ua / ub,
            ua % ub,
            (uint)Math.Min(a, b),
            Math.Max(ua, ub),
            unchecked((uint)(a < 0 ? -a : a)),
            (uint)(ub > 63 ? (a < 0 ? -1L : 0L) : (long)a >> (int)ub),
        ];
    }

    private static ulong[] WideReference(long a, long b)
    {
        uint amount = (uint)b;
        return
        [
            unchecked((ulong)(a * b)),
            (ulong)Math.BigMul(a, b, out _),
            Math.BigMul((ulong)a, (ulong)b, out _),
            unchecked((ulong)(b == -1 ? -a : a / b)),
            (ulong)(b == -1 ? 0 : a % b),
            (ulong)a / (ulong)b,
            (ulong)Math.Min(a, b),
            Math.Max((ulong)a, (ulong)b),
            amount >= 64 ? 0 : (ulong)a << (int)amount,
            amount >= 64 ? 0 : (ulong)a >> (int)amount,
            (uint)System.Numerics.BitOperations.PopCount((ulong)a) | ((ulong)(uint)System.Numerics.BitOperations.LeadingZeroCount((ulong)b) << 32),
            BitConverter.DoubleToUInt64Bits(Math.FusedMultiplyAdd(a, b, 0.5)),
        ];
    }

    private static TOut[] Run<TIn, TOut>(string entry, TIn[] x, int outputsPerElement) where TIn : unmanaged where TOut : unmanaged
    {
        var device = new PtxDevice();
        ulong input = device.Upload<TIn>(x);
        ulong output = device.Allocate(x.Length * outputsPerElement * 4);
        device.Launch(TestPrograms.Kernel("conversions", entry), TestPrograms.Linear(x.Length, 32), new InOutCountArgs(input, output, (uint)x.Length));
        return device.Download<TOut>(output, x.Length * outputsPerElement * 4 / System.Runtime.CompilerServices.Unsafe.SizeOf<TOut>());
    }

    private static uint[] RunBinary<T>(string entry, T[] a, T[] b, int outputsPerElement) where T : unmanaged
    {
        var device = new PtxDevice();
        ulong aa = device.Upload<T>(a), bb = device.Upload<T>(b), output = device.Allocate(a.Length * outputsPerElement * 4);
        device.Launch(TestPrograms.Kernel("arithmetic", entry), TestPrograms.Linear(a.Length, 64), new BinaryArgs(aa, bb, output, (uint)a.Length));
        return device.Download<uint>(output, a.Length * outputsPerElement);
    }

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    private static uint Flag(bool value) => value ? 1u : 0u;

    private static uint Canonical(float value) => float.IsNaN(value) ? 0x7FFFFFFFu : BitConverter.SingleToUInt32Bits(value);

    /// <summary>ex2/lg2.approx are computed with MathF; allow the GPU's documented approximation error.</summary>
    private static void AssertApproximately(float expected, float actual)
    {
        if (float.IsNaN(expected) || float.IsInfinity(expected))
        {
            Assert.Equal(expected, actual);
            return;
        }

        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
    }
}
