namespace NativeDance.Runtime.Execution;

/// <summary>
/// Plans for concurrent callers, lock-free: up to <c>capacity</c> plans are compiled on demand and parked in a fixed
/// array of slots; renting swaps a parked plan out of its slot (<see cref="Interlocked.Exchange{T}(ref T, T)"/>), returning
/// swaps it into an empty slot. A caller that finds every plan busy and the bound reached spins until one comes back. In
/// steady state renting and returning allocate nothing.
/// </summary>
internal sealed class PlanPool : IDisposable
{
    private readonly IExecutionPlan?[] _slots;
    private readonly Func<IExecutionPlan> _compile;
    private int _created;
    private int _disposed;

    /// <summary>Creates a pool of at most <paramref name="capacity"/> plans made by <paramref name="compile"/>, and compiles the first.</summary>
    public PlanPool(int capacity, Func<IExecutionPlan> compile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _slots = new IExecutionPlan?[capacity];
        _compile = compile;
        _slots[0] = compile();
        _created = 1;
    }

    /// <summary>Plans compiled so far.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>A plan for the caller's exclusive use until <see cref="Return"/>.</summary>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public IExecutionPlan Rent()
    {
        var spin = new SpinWait();
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            for (int i = 0; i < _slots.Length; i++)
            {
                if (Volatile.Read(ref _slots[i]) is not null && Interlocked.Exchange(ref _slots[i], null) is { } plan) return plan;
            }
            if (Interlocked.Increment(ref _created) <= _slots.Length)
            {
                try
                {
                    return _compile();
                }
                catch
                {
                    Interlocked.Decrement(ref _created);
                    throw;
                }
            }
            Interlocked.Decrement(ref _created);
            spin.SpinOnce();
        }
    }

    /// <summary>Gives <paramref name="plan"/> back; after <see cref="Dispose"/> it is disposed instead.</summary>
    public void Return(IExecutionPlan plan)
    {
        // There are never more plans than slots, so an empty slot always exists.
        for (int i = 0; Volatile.Read(ref _disposed) == 0; i = (i + 1) % _slots.Length)
        {
            if (Interlocked.CompareExchange(ref _slots[i], plan, null) is null)
            {
                // Dispose may have emptied the slots just before this plan went in: take it back out and free it.
                if (Volatile.Read(ref _disposed) != 0 && Interlocked.Exchange(ref _slots[i], null) is { } parked) parked.Dispose();
                return;
            }
        }
        plan.Dispose();
    }

    /// <summary>Frees the parked plans; plans still rented are freed when they come back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        for (int i = 0; i < _slots.Length; i++) Interlocked.Exchange(ref _slots[i], null)?.Dispose();
    }
}
