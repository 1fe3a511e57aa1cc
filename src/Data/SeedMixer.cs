namespace NativeDance.Data;

/// <summary>Derives independent 64-bit seeds from several integers, so per-sample randomness never depends on scheduling.</summary>
internal static class SeedMixer
{
    /// <summary>A well-mixed seed from <paramref name="seed"/> and <paramref name="value"/> (SplitMix64 finaliser).</summary>
    public static ulong Mix(ulong seed, ulong value)
    {
        ulong z = seed ^ (value + 0x9E3779B97F4A7C15UL + (seed << 6) + (seed >> 2));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Mixes three values.</summary>
    public static ulong Mix(ulong seed, ulong a, ulong b) => Mix(Mix(seed, a), b);

    /// <summary>A stable 64-bit hash of a string (FNV-1a over UTF-16 code units); string.GetHashCode is randomised per process.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in text)
        {
            h ^= c;
            h *= 0x100000001B3UL;
        }
        return h;
    }
}
