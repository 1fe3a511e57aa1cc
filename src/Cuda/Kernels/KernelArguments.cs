namespace NativeDance.Cuda.Kernels;

/// <summary>Checks and launch shapes shared by the kernels' host sides.</summary>
internal static class KernelArguments
{
    /// <summary>Returns <paramref name="address"/>, which must not be null.</summary>
    /// <exception cref="ArgumentException">The address is 0.</exception>
    public static ulong Pointer(ulong address, string name) =>
        address != 0 ? address : throw new ArgumentException($"The device pointer '{name}' is null.", name);

    /// <summary>A positive count that fits the kernels' 32-bit signed indexing.</summary>
    /// <exception cref="ArgumentException">The count is not in [1, int.MaxValue].</exception>
    public static uint Count(long count, string name) =>
        count is > 0 and <= int.MaxValue ? (uint)count : throw new ArgumentException($"{name} = {count} must be in [1, {int.MaxValue}].", name);

    /// <summary>A one-dimensional launch of one thread per item, <paramref name="blockThreads"/> threads per block.</summary>
    public static LaunchShape Cover(uint items, uint blockThreads) =>
        new(new Dim3((uint)(((ulong)items + blockThreads - 1) / blockThreads)), new Dim3(blockThreads));
}
