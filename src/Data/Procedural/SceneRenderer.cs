using NativeDance.Tensors;

namespace NativeDance.Data.Procedural;

/// <summary>Rasterises a <see cref="Scene"/> into a channels-last RGB clip with anti-aliased edges and sensor noise.</summary>
internal static class SceneRenderer
{
    private const float DriftPerFrame = 0.06f;
    private const float FastDriftPerFrame = 0.18f;
    private const float SpinPerFrame = 0.25f;
    private const float GrowthPerFrame = 0.08f;
    private const float SwingAmplitude = 0.35f;
    private const float SwingPeriodFrames = 8f;
    private const float WrapExtent = 1.3f;

    /// <summary>Renders all frames into <paramref name="clip"/> ([T, H, W, 3], values in [0, 1]).</summary>
    public static void Render(Scene scene, ClipSpec spec, Span<float> clip, ref SeededRandom noise)
    {
        float pixel = 2f / Math.Min(spec.Width, spec.Height);
        Span<SceneObject> posed = stackalloc SceneObject[scene.Objects.Length];
        for (int t = 0; t < spec.Frames; t++)
        {
            float tau = Math.Max(0, t - scene.Onset);
            for (int i = 0; i < posed.Length; i++) posed[i] = Pose(scene, scene.Objects[i], tau);
            var frame = clip.Slice(t * spec.Height * spec.Width * 3, spec.Height * spec.Width * 3);
            for (int row = 0; row < spec.Height; row++)
            {
                float y = 2f * (row + 0.5f) / spec.Height - 1f;
                for (int col = 0; col < spec.Width; col++)
                {
                    float x = 2f * (col + 0.5f) / spec.Width - 1f;
                    Backdrop(scene, x, y, out float r, out float g, out float b);
                    foreach (var d in scene.Distractors) Composite(d, x, y, pixel, ref r, ref g, ref b);
                    foreach (var o in posed) Composite(o, x, y, pixel, ref r, ref g, ref b);
                    int p = (row * spec.Width + col) * 3;
                    frame[p] = Clamp01(r + scene.Noise * noise.NextNormal());
                    frame[p + 1] = Clamp01(g + scene.Noise * noise.NextNormal());
                    frame[p + 2] = Clamp01(b + scene.Noise * noise.NextNormal());
                }
            }
        }
    }

    /// <summary>Where the object is, how it is turned and how big it is after <paramref name="tau"/> frames of motion.</summary>
    private static SceneObject Pose(Scene scene, SceneObject o, float tau)
    {
        float s = scene.Speed;
        return scene.Motion switch
        {
            MotionClass.Right => o with { X = Wrap(o.X + DriftPerFrame * s * tau) },
            MotionClass.Left => o with { X = Wrap(o.X - DriftPerFrame * s * tau) },
            MotionClass.Up => o with { Y = Wrap(o.Y - DriftPerFrame * s * tau) },
            MotionClass.Down => o with { Y = Wrap(o.Y + DriftPerFrame * s * tau) },
            MotionClass.FastRight => o with { X = Wrap(o.X + FastDriftPerFrame * s * tau) },
            MotionClass.RotateClockwise => o with { Angle = o.Angle + SpinPerFrame * s * tau },
            MotionClass.RotateCounterClockwise => o with { Angle = o.Angle - SpinPerFrame * s * tau },
            MotionClass.Expand => o with { Size = o.Size * (1f + GrowthPerFrame * s * tau) },
            MotionClass.Oscillate => o with
            {
                X = o.X + SwingAmplitude * (MathF.Sin(MathF.Tau * s * tau / SwingPeriodFrames + o.Phase) - MathF.Sin(o.Phase)),
            },
            _ => o,
        };
    }

    private static void Backdrop(Scene scene, float x, float y, out float r, out float g, out float b)
    {
        var c = scene.BackdropColor;
        float level = 1f;
        var w = scene.TextureWaves;
        switch (scene.Backdrop)
        {
            case Procedural.Backdrop.Gradient:
                level = 0.5f + 0.5f * ((w[0] - 0.5f) * x + (w[1] - 0.5f) * y) + 0.25f;
                break;
            case Procedural.Backdrop.Texture:
                float sum = 0;
                for (int k = 0; k < 3; k++)
                    sum += MathF.Sin((2 + 10 * w[4 * k]) * x + (2 + 10 * w[4 * k + 1]) * y + MathF.Tau * w[4 * k + 2]) * (0.5f + w[4 * k + 3]);
                level = 1.2f + 0.5f * sum;
                break;
        }
        r = c[0] * level;
        g = c[1] * level;
        b = c[2] * level;
    }

    private static void Composite(in SceneObject o, float x, float y, float pixel, ref float r, ref float g, ref float b)
    {
        float dx = x - o.X, dy = y - o.Y;
        float reach = o.Size * 1.5f + pixel;
        if (MathF.Abs(dx) > reach || MathF.Abs(dy) > reach) return;
        float cos = MathF.Cos(o.Angle), sin = MathF.Sin(o.Angle);
        float u = (cos * dx + sin * dy) / o.Size;
        float v = (-sin * dx + cos * dy) / o.Size;
        float alpha = Clamp01(0.5f - o.Distance(u, v) * o.Size / pixel);
        r += alpha * (o.R - r);
        g += alpha * (o.G - g);
        b += alpha * (o.B - b);
    }

    private static float Wrap(float v)
    {
        float span = 2 * WrapExtent;
        float shifted = (v + WrapExtent) % span;
        return (shifted < 0 ? shifted + span : shifted) - WrapExtent;
    }

    private static float Clamp01(float v) => Math.Clamp(v, 0f, 1f);
}
