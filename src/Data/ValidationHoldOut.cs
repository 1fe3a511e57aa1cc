namespace NativeDance.Data;

/// <summary>
/// Carves a validation set out of a training list, deterministically and per class (stratified). Items sharing a
/// group (UCF101 videos cut from the same recording) move together, so validation never sees a scene trained on.
/// </summary>
internal static class ValidationHoldOut
{
    /// <summary>
    /// Splits item indices [0, labels.Length) into training and validation lists (each ascending). Per class, groups are
    /// visited in an order fixed by <paramref name="seed"/> and moved to validation until it holds at least
    /// round(fraction x class size) items; a class keeps at least one group for training.
    /// </summary>
    /// <param name="labels">Class of every item.</param>
    /// <param name="groups">Group key of every item, or null when every item is its own group.</param>
    /// <param name="fraction">Share of every class to hold out, in [0, 1).</param>
    /// <param name="seed">Fixes which groups are held out.</param>
    public static (int[] Train, int[] Validation) Split(IReadOnlyList<int> labels, IReadOnlyList<string>? groups, double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new ArgumentException($"Validation fraction must lie in [0, 1), got {fraction}.", nameof(fraction));
        if (groups is not null && groups.Count != labels.Count)
            throw new ArgumentException($"{groups.Count} group keys for {labels.Count} items.", nameof(groups));

        var isValidation = new bool[labels.Count];
        foreach (var members in labels.Select((label, index) => (label, index)).GroupBy(x => x.label, x => x.index))
        {
            int[] items = members.ToArray();
            int target = (int)Math.Round(fraction * items.Length);
            if (target == 0) continue;
            var byGroup = items
                .GroupBy(i => groups is null ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : groups[i], StringComparer.Ordinal)
                .OrderBy(g => SeedMixer.Mix(seed, SeedMixer.Hash(g.Key)))
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToArray();
            int taken = 0;
            for (int g = 0; g < byGroup.Length - 1 && taken < target; g++)
            {
                foreach (int i in byGroup[g]) isValidation[i] = true;
                taken += byGroup[g].Count();
            }
        }
        var train = new List<int>();
        var validation = new List<int>();
        for (int i = 0; i < isValidation.Length; i++) (isValidation[i] ? validation : train).Add(i);
        return (train.ToArray(), validation.ToArray());
    }
}
