namespace NativeDance.Data.Procedural;

/// <summary>Outline of a rendered object, as a signed distance in the object's own unit frame.</summary>
internal enum Outline { Square, Disc, Triangle, Bar, Cross }

/// <summary>
/// One object of a scene: where it starts, its size, outline, colour and orientation. Coordinates are normalised
/// to [-1, 1] across the frame; <see cref="Phase"/> staggers periodic motion between objects.
/// </summary>
internal readonly record struct SceneObject(Outline Outline, float X, float Y, float Size, float Angle, float R, float G, float B, float Phase)
{
    /// <summary>Signed distance (in object units, negative inside) of the point (u, v) given in the object's frame.</summary>
    public float Distance(float u, float v)
    {
        float au = MathF.Abs(u), av = MathF.Abs(v);
        return Outline switch
        {
            Outline.Square => MathF.Max(au, av) - 1f,
            Outline.Disc => MathF.Sqrt(u * u + v * v) - 1f,
            Outline.Triangle => MathF.Max(au * 0.866f + v * 0.5f, -v) - 0.5f,
            Outline.Bar => MathF.Max(au - 1f, av - 0.35f),
            _ => MathF.Min(MathF.Max(au - 1f, av - 0.3f), MathF.Max(au - 0.3f, av - 1f)),
        };
    }
}
