namespace NativeDance.Models.Zoo;

/// <summary>Hands out distinct, reproducible seeds to the layers of a model as it is built.</summary>
internal sealed class SeedSequence(ulong seed)
{
    private ulong _next = seed * 0x9E3779B97F4A7C15UL + 1;

    public ulong Next() => _next += 0xD1B54A32D192ED03UL;
}
