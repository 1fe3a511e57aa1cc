namespace NativeDance.Pruning.Baselines;

/// <summary>Validation of a requested MAC ratio.</summary>
public static class TargetRatio
{
    /// <summary>Throws unless <paramref name="target"/> lies in (0, 1].</summary>
    /// <exception cref="ArgumentException">The target is outside (0, 1] or not a number.</exception>
    public static void Require(double target)
    {
        if (!(target > 0 && target <= 1))
            throw new ArgumentException($"The target MAC ratio must lie in (0, 1], got {target}.", nameof(target));
    }
}
