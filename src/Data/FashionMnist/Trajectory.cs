using NativeDance.Tensors;

namespace NativeDance.Data.FashionMnist;

/// <summary>
/// The top-left corner of a sprite moving inside [0, MaxY] x [0, MaxX] (canvas size minus sprite size), advanced one
/// frame at a time so rendering needs no per-clip arrays. Positions are fractional; the renderer samples sub-pixel.
/// </summary>
internal struct Trajectory
{
    private const float RandomWalkJitter = 0.35f;
    private readonly TrajectoryKind _kind;
    private readonly float _maxY, _maxX, _minSpeed, _maxSpeed;
    private float _vy, _vx;

    private Trajectory(TrajectoryKind kind, float maxY, float maxX, float minSpeed, float maxSpeed, ref SeededRandom rng)
    {
        _kind = kind;
        _maxY = maxY;
        _maxX = maxX;
        _minSpeed = minSpeed;
        _maxSpeed = maxSpeed;
        Y = rng.NextSingle() * maxY;
        X = rng.NextSingle() * maxX;
        float angle = rng.NextSingle() * 2 * MathF.PI;
        float speed = minSpeed + rng.NextSingle() * (maxSpeed - minSpeed);
        _vy = speed * MathF.Sin(angle);
        _vx = speed * MathF.Cos(angle);
    }

    /// <summary>Row of the top-left corner.</summary>
    public float Y { get; private set; }

    /// <summary>Column of the top-left corner.</summary>
    public float X { get; private set; }

    /// <summary>A trajectory with a random start, heading and speed in [minSpeed, maxSpeed] pixels per frame.</summary>
    public static Trajectory Start(TrajectoryKind kind, float maxY, float maxX, float minSpeed, float maxSpeed, ref SeededRandom rng) =>
        new(kind, maxY, maxX, minSpeed, maxSpeed, ref rng);

    /// <summary>Moves one frame on.</summary>
    public void Advance(ref SeededRandom rng)
    {
        if (_kind == TrajectoryKind.RandomWalk) Perturb(ref rng);
        (Y, _vy) = Reflect(Y + _vy, _vy, _maxY);
        (X, _vx) = Reflect(X + _vx, _vx, _maxX);
    }

    private void Perturb(ref SeededRandom rng)
    {
        float vy = _vy + RandomWalkJitter * rng.NextNormal();
        float vx = _vx + RandomWalkJitter * rng.NextNormal();
        float speed = MathF.Sqrt(vy * vy + vx * vx);
        float clamped = Math.Clamp(speed, _minSpeed, _maxSpeed);
        if (speed > 0)
        {
            _vy = vy * clamped / speed;
            _vx = vx * clamped / speed;
        }
    }

    /// <summary>Folds a coordinate back into [0, max] like a ball off a wall; the velocity flips at each bounce.</summary>
    private static (float Position, float Velocity) Reflect(float position, float velocity, float max)
    {
        if (max <= 0) return (0, velocity);
        while (position < 0 || position > max)
        {
            if (position < 0) position = -position;
            else position = 2 * max - position;
            velocity = -velocity;
        }
        return (position, velocity);
    }
}
