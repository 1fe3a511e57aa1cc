namespace NativeDance.Cuda;

/// <summary>A device's compute capability (SM architecture version), such as 9.0 for H100/H200.</summary>
/// <param name="Major">Major version.</param>
/// <param name="Minor">Minor version.</param>
/// <example><code>
/// bool runsOurPtx = device.ComputeCapability.Major >= 8; // the kernels target sm_80
/// </code></example>
public readonly record struct ComputeCapability(int Major, int Minor)
{
    /// <inheritdoc />
    public override string ToString() => $"{Major}.{Minor}";
}
