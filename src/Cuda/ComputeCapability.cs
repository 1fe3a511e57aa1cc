namespace NativeDance.Cuda;

/// <summary>A device's compute capability (SM architecture version), such as 9.0 for H100/H200.</summary>
/// <param name="Major">Major version.</param>
/// <param name="Minor">Minor version.</param>
public readonly record struct ComputeCapability(int Major, int Minor)
{
    /// <inheritdoc />
    public override string ToString() => $"{Major}.{Minor}";
}
