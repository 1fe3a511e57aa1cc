namespace NativeDance.Pruning.Inference.Steps;

/// <summary>One pass of a compiled plan. Steps hold everything they need, prepared at compile time, so running one allocates nothing.</summary>
internal abstract class PlanStep(string name)
{
    /// <summary>What the step does to which layer, e.g. <c>conv2 gated</c>: names the step's time in profiles.</summary>
    public string Name { get; protected set; } = name;

    /// <summary>Index in the plan's layers of the conv this step runs, or -1 for a step that runs none.</summary>
    public virtual int ConvLayer => -1;

    /// <summary>Every buffer the step reads or writes (for lifetimes).</summary>
    public abstract IEnumerable<PlanValue> Values { get; }

    /// <summary>Called once the whole model is lowered (every batch norm folded), before the first run: derives what depends on final weights.</summary>
    public virtual void Prepare()
    {
    }

    public abstract void Run(PlanState state);
}
