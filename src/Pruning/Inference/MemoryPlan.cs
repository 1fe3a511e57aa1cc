namespace NativeDance.Pruning.Inference;

/// <summary>
/// The static memory plan: every activation buffer gets an offset in one arena, and buffers whose lifetimes (first to
/// last step touching them) do not overlap share memory. Greedy in order of first use: each value takes the smallest
/// free slot that holds it, else a new slot at the end of the arena.
/// </summary>
internal static class MemoryPlan
{
    /// <summary>Floats per 64-byte line: every offset is aligned to it.</summary>
    private const int Line = 16;

    /// <summary>Assigns <see cref="PlanValue.Offset"/> to every value but the clip; returns the arena length in floats.</summary>
    public static long Layout(IEnumerable<PlanValue> values)
    {
        var slots = new List<(long Offset, long Length, int BusyUntil)>();
        long end = 0;
        foreach (var value in values.Where(v => !v.IsClip && v.LastStep >= 0).OrderBy(v => v.FirstStep))
        {
            long length = (value.Length + Line - 1) / Line * Line;
            int best = -1;
            for (int i = 0; i < slots.Count; i++)
            {
                if (slots[i].BusyUntil >= value.FirstStep || slots[i].Length < length) continue;
                if (best < 0 || slots[i].Length < slots[best].Length) best = i;
            }
            if (best < 0)
            {
                slots.Add((end, length, value.LastStep));
                value.Offset = end;
                end += length;
            }
            else
            {
                slots[best] = slots[best] with { BusyUntil = value.LastStep };
                value.Offset = slots[best].Offset;
            }
        }
        return end;
    }
}
