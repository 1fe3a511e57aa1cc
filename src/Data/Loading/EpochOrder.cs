using NativeDance.Tensors;

namespace NativeDance.Data.Loading;

/// <summary>The order in which an epoch visits a dataset: identity, or a Fisher-Yates shuffle seeded by (seed, epoch).</summary>
internal static class EpochOrder
{
    private const ulong ShuffleSalt = 0x0D0E_5EED_0001UL;

    /// <summary>Fills <paramref name="order"/> with the visiting order of <paramref name="epoch"/>.</summary>
    public static void Fill(Span<int> order, bool shuffle, ulong seed, int epoch)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (!shuffle) return;
        var rng = new SeededRandom(SeedMixer.Mix(seed ^ ShuffleSalt, (ulong)epoch));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
