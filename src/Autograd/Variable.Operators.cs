namespace NativeDance.Autograd;

public sealed partial class Variable
{
    /// <summary>Elementwise sum with broadcasting (<see cref="Functional.Add"/>).</summary>
    public static Variable operator +(Variable a, Variable b) => Functional.Add(a, b);

    /// <summary>Elementwise difference with broadcasting (<see cref="Functional.Subtract"/>).</summary>
    public static Variable operator -(Variable a, Variable b) => Functional.Subtract(a, b);

    /// <summary>Elementwise product with broadcasting (<see cref="Functional.Multiply"/>).</summary>
    public static Variable operator *(Variable a, Variable b) => Functional.Multiply(a, b);

    /// <summary>Elementwise quotient with broadcasting (<see cref="Functional.Divide"/>).</summary>
    public static Variable operator /(Variable a, Variable b) => Functional.Divide(a, b);

    /// <summary>Scaling by a constant.</summary>
    public static Variable operator *(Variable a, float s) => Functional.Scale(a, s);

    /// <summary>Adding a constant.</summary>
    public static Variable operator +(Variable a, float s) => Functional.AddScalar(a, s);

    /// <summary>Negation.</summary>
    public static Variable operator -(Variable a) => Functional.Negate(a);
}
