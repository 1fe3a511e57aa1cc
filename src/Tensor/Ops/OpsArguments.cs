using System.Runtime.CompilerServices;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tensors.Ops;

/// <summary>Argument checks shared by the ops; every message names the offending values.</summary>
internal static class OpsArguments
{
    public static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.", name);
    }

    public static void PositiveAll(Dims3 value, string name)
    {
        if (value.T <= 0 || value.H <= 0 || value.W <= 0)
            throw new ArgumentException($"{name} must be positive along every axis, got {value}.", name);
    }

    /// <summary>Requires <paramref name="actual"/> == <paramref name="expected"/>; <paramref name="what"/> is formatted only on failure.</summary>
    public static void Length(int actual, int expected, string name,
        [InterpolatedStringHandlerArgument(nameof(actual), nameof(expected))] ref LengthMessage what)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; {what.ToStringAndClear()} needs {expected}.", name);
    }

    /// <summary>Length of an optional per-channel buffer: empty, or exactly <paramref name="channels"/>.</summary>
    public static void OptionalLength(int actual, int channels, string name)
    {
        if (actual != 0 && actual != channels)
            throw new ArgumentException($"{name} has {actual} elements; it must be empty or hold one per channel ({channels}).", name);
    }

    /// <summary>Number of rows of a [rows, width] buffer, which must hold a positive whole number of rows.</summary>
    public static int Rows(int length, int width, string name, string widthName)
    {
        Positive(width, widthName);
        if (length == 0 || length % width != 0)
            throw new ArgumentException($"{name} has {length} elements, not a positive multiple of {widthName} {width}.", name);
        return length / width;
    }

    public static void Disjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName)
    {
        if (input.Overlaps(output))
            throw new ArgumentException($"{outputName} must not overlap {inputName}.", outputName);
    }
}
