using System.Collections.Concurrent;
using NativeDance.Cuda.Kernels;
using NativeDance.PtxInterpreter;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>
/// A simulated device for one kernel test: runs the host side's <see cref="KernelLaunch{TArgs}"/> on the PTX interpreter
/// (modules parsed once per test run from the embedded sources) and hands out output buffers followed by sentinels.
/// </summary>
internal sealed class InterpretedDevice
{
    private const int GuardElements = 16;
    // A NaN with a payload no kernel produces: a guard element still holding it was not written.
    private static readonly float Sentinel = BitConverter.Int32BitsToSingle(0x7FC0DEAD);
    private static readonly ConcurrentDictionary<string, PtxModule> Modules = new();

    public PtxDevice Device { get; } = new();

    public static PtxModule Module(string name) => Modules.GetOrAdd(name, n => PtxModule.Parse(PtxSources.Read(n), n));

    public void Launch<TArgs>(in KernelLaunch<TArgs> launch) where TArgs : unmanaged =>
        Device.Launch(Module(launch.Module).Kernel(launch.Entry), launch.Shape, launch.Arguments);

    public ulong Upload<T>(ReadOnlySpan<T> data) where T : unmanaged => Device.Upload(data);

    public T[] Download<T>(ulong address, int count) where T : unmanaged => Device.Download<T>(address, count);

    /// <summary>A float buffer of <paramref name="length"/> elements plus a guard, all holding the sentinel.</summary>
    public ulong GuardedOutput(int length) => Device.Upload<float>(Unwritten(length + GuardElements));

    /// <summary>What a <see cref="GuardedOutput"/> buffer holds where the kernel writes nothing.</summary>
    public static float[] Unwritten(int length)
    {
        var filled = new float[length];
        Array.Fill(filled, Sentinel);
        return filled;
    }

    /// <summary>Downloads a <see cref="GuardedOutput"/> buffer, asserting that its guard was not written.</summary>
    public float[] ReadGuarded(ulong address, int length, string context)
    {
        var all = Device.Download<float>(address, length + GuardElements);
        for (int i = length; i < all.Length; i++)
            Assert.True(IsSentinel(all[i]), $"{context}: the kernel wrote {all[i]} past the end of its output (element {i}, length {length}).");
        return all[..length];
    }

    /// <summary>True when <paramref name="value"/> still holds the sentinel (the element was not written).</summary>
    public static bool IsSentinel(float value) => BitConverter.SingleToInt32Bits(value) == BitConverter.SingleToInt32Bits(Sentinel);

    /// <summary>Asserts equal bit patterns (NaN payloads and signed zeros included).</summary>
    public static void AssertBitwise(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} is {actual[i]}, expected {expected[i]} bit for bit.");
        }
    }
}
