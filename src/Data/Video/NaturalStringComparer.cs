namespace NativeDance.Data.Video;

/// <summary>Orders strings with digit runs compared as numbers ("frame2" before "frame10"), the rest ordinally.</summary>
internal sealed class NaturalStringComparer : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static NaturalStringComparer Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int endX = DigitRunEnd(x, i), endY = DigitRunEnd(y, j);
                var digitsX = x.AsSpan(i, endX - i).TrimStart('0');
                var digitsY = y.AsSpan(j, endY - j).TrimStart('0');
                // Without leading zeros, a longer run is a larger number; equal lengths compare digit by digit.
                int order = digitsX.Length != digitsY.Length ? digitsX.Length.CompareTo(digitsY.Length) : digitsX.SequenceCompareTo(digitsY);
                if (order != 0) return order;
                i = endX;
                j = endY;
                continue;
            }
            if (x[i] != y[j]) return x[i].CompareTo(y[j]);
            i++;
            j++;
        }
        int remaining = (x.Length - i).CompareTo(y.Length - j);
        return remaining != 0 ? remaining : string.CompareOrdinal(x, y);
    }

    private static int DigitRunEnd(string s, int start)
    {
        while (start < s.Length && char.IsAsciiDigit(s[start])) start++;
        return start;
    }
}
