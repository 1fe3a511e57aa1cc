using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>
/// One step of clip preprocessing on channels-last floats [T, H, W, C]. Transforms hold no per-call state, so one
/// instance serves every loader thread; randomness comes from the generator passed in, which makes a pipeline
/// deterministic given its seed.
/// </summary>
public interface IClipTransform
{
    /// <summary>Whether the transform mirrors clips left-right (only allowed on flip-invariant datasets).</summary>
    bool MirrorsHorizontally { get; }

    /// <summary>The size of the clips this transform produces from clips of size <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The transform cannot apply to such clips.</exception>
    ClipSpec OutputSpec(ClipSpec input);

    /// <summary>
    /// Transforms <paramref name="source"/> (size <paramref name="sourceSpec"/>) into <paramref name="destination"/>
    /// (size <see cref="OutputSpec"/>); the two never overlap.
    /// </summary>
    void Apply(ReadOnlySpan<float> source, ClipSpec sourceSpec, Span<float> destination, ref SeededRandom rng);
}
