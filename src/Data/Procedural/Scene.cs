using NativeDance.Tensors;

namespace NativeDance.Data.Procedural;

/// <summary>What fills the frame behind the moving objects.</summary>
internal enum Backdrop { Plain, Gradient, Texture, Clutter }

/// <summary>
/// Everything random about one clip, drawn from its seed: the motion and its speed, when motion starts, the
/// moving objects, the backdrop (plain, gradient, static texture or static distractor shapes) and sensor noise.
/// The spread is deliberate: some clips are one object on black, others busy scenes, some hold still for half
/// the clip, so an input-aware pruner has very different amounts of signal to keep.
/// </summary>
internal sealed class Scene
{
    public required MotionClass Motion { get; init; }
    public required float Speed { get; init; }
    public required int Onset { get; init; }
    public required SceneObject[] Objects { get; init; }
    public required Backdrop Backdrop { get; init; }
    public required SceneObject[] Distractors { get; init; }
    public required float[] BackdropColor { get; init; }
    public required float[] TextureWaves { get; init; }
    public required float Noise { get; init; }

    public static Scene Sample(MotionClass motion, int frames, ref SeededRandom rng)
    {
        int objectCount = 1 + Math.Min(rng.NextInt(4), rng.NextInt(4));
        var objects = new SceneObject[objectCount];
        bool rotating = motion is MotionClass.RotateClockwise or MotionClass.RotateCounterClockwise;
        for (int i = 0; i < objects.Length; i++)
            objects[i] = SampleObject(ref rng, rotating ? 0.2f : 0.14f, rotating ? 0.36f : 0.3f, bright: true, allowDisc: !rotating);
        var backdrop = (Backdrop)rng.NextInt(4);
        var distractors = new SceneObject[backdrop == Backdrop.Clutter ? 2 + rng.NextInt(4) : 0];
        for (int i = 0; i < distractors.Length; i++)
            distractors[i] = SampleObject(ref rng, 0.08f, 0.2f, bright: false, allowDisc: true);
        var waves = new float[12];
        for (int i = 0; i < waves.Length; i++) waves[i] = rng.NextSingle();
        return new Scene
        {
            Motion = motion,
            Speed = 0.75f + 0.5f * rng.NextSingle(),
            Onset = rng.NextSingle() < 0.35f ? 2 + rng.NextInt(Math.Max(1, frames / 2 - 2)) : 0,
            Objects = objects,
            Backdrop = backdrop,
            Distractors = distractors,
            BackdropColor = [0.25f * rng.NextSingle(), 0.25f * rng.NextSingle(), 0.25f * rng.NextSingle()],
            TextureWaves = waves,
            Noise = 0.04f * rng.NextSingle(),
        };
    }

    private static SceneObject SampleObject(ref SeededRandom rng, float minSize, float maxSize, bool bright, bool allowDisc)
    {
        var outline = allowDisc ? (Outline)rng.NextInt(5) : (Outline)(new[] { 0, 2, 3, 4 })[rng.NextInt(4)];
        float lo = bright ? 0.55f : 0.15f, span = bright ? 0.45f : 0.25f;
        return new SceneObject(outline,
            X: 1.4f * rng.NextSingle() - 0.7f,
            Y: 1.4f * rng.NextSingle() - 0.7f,
            Size: minSize + (maxSize - minSize) * rng.NextSingle(),
            Angle: MathF.Tau * rng.NextSingle(),
            R: lo + span * rng.NextSingle(),
            G: lo + span * rng.NextSingle(),
            B: lo + span * rng.NextSingle(),
            Phase: MathF.Tau * rng.NextSingle());
    }
}
