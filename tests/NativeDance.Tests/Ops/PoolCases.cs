using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;

namespace NativeDance.Tests.Ops;

/// <summary>
/// Pooling geometries that cover, on each of the three axes, every combination of kernel 1-4, stride 1-3,
/// padding 0 to kernel/2 and dilation 1-2, with odd input sizes just above the window and channel counts that
/// exercise both the SIMD body and the scalar tail.
/// </summary>
internal static class PoolCases
{
    private static readonly int[] ChannelCounts = [1, 3, 8, 19, 5, 33];

    public static IEnumerable<Pool3dGeometry> All(bool dilation, ulong seed, int maxBatch = 2, int maxExtra = 3)
    {
        var axes = AxisConfigurations(dilation).ToArray();
        var random = new SeededRandom(seed);
        for (int i = 0; i < axes.Length; i++)
        {
            var (t, h, w) = (axes[i], axes[(i * 7 + 3) % axes.Length], axes[(i * 13 + 5) % axes.Length]);
            int Size((int K, int S, int P, int D) a) => Math.Max(1, a.D * (a.K - 1) + 1 - 2 * a.P + random.NextInt(maxExtra + 1));
            yield return Pool3dGeometry.Create(
                batch: 1 + random.NextInt(maxBatch),
                channels: ChannelCounts[i % ChannelCounts.Length],
                input: new Dims3(Size(t), Size(h), Size(w)),
                kernel: new Dims3(t.K, h.K, w.K),
                stride: new Dims3(t.S, h.S, w.S),
                padding: new Dims3(t.P, h.P, w.P),
                dilation: new Dims3(t.D, h.D, w.D));
        }
    }

    private static IEnumerable<(int K, int S, int P, int D)> AxisConfigurations(bool dilation)
    {
        for (int k = 1; k <= 4; k++)
        for (int s = 1; s <= 3; s++)
        for (int p = 0; p <= k / 2; p++)
        for (int d = 1; d <= (dilation && k > 1 ? 2 : 1); d++)
            yield return (k, s, p, d);
    }
}
