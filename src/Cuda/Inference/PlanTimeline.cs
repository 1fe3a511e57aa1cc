namespace NativeDance.Cuda.Inference;

/// <summary>A gated step's place on a <see cref="PlanTimeline"/>: its gate, its step and the launch index of its masked conv.</summary>
internal readonly record struct GateMark(int Gate, int Step, int ConvLaunch);

/// <summary>
/// Where a timed run of a GPU plan records its markers, fixed at compile time. Marker s (0 &lt;= s &lt; steps) precedes
/// step s's first launch, marker <c>steps</c> follows the last launch, marker <c>steps + 1 + k</c> precedes the conv of
/// the k-th gated step, its masks done. A step without launches of its own (a ReLU run in its conv's epilogue) starts
/// where the next one does, so its time is that of two back-to-back markers: about zero.
/// </summary>
internal sealed class PlanTimeline
{
    private readonly (int Launch, int Marker)[] _marks;   // ordered by launch; at one launch, in marker order
    private readonly GateMark[] _gates;
    private readonly int _steps;

    /// <param name="stepLaunches">Per step, the index of its first launch (the next step's when it has none).</param>
    /// <param name="launches">Launches of a run.</param>
    /// <param name="gates">The gated steps in execution order.</param>
    public PlanTimeline(IReadOnlyList<int> stepLaunches, int launches, IReadOnlyList<GateMark> gates)
    {
        _steps = stepLaunches.Count;
        _gates = [.. gates];
        var marks = stepLaunches.Select((launch, step) => (launch, step)).Append((launches, _steps));
        marks = marks.Concat(_gates.Select((g, k) => (g.ConvLaunch, _steps + 1 + k)));
        _marks = [.. marks.OrderBy(m => m.Item1)];   // stable: a step's marker stays before the next one at the same launch
    }

    /// <summary>Markers a timed run records: one per step, one after the last, one per gated step.</summary>
    public int Markers => _steps + 1 + _gates.Length;

    /// <summary>Issues <paramref name="launches"/> with the markers between them.</summary>
    public void Issue(IKernelDevice device, ReadOnlySpan<PreparedLaunch> launches)
    {
        int mark = 0;
        for (int l = 0; l < launches.Length; l++)
        {
            for (; mark < _marks.Length && _marks[mark].Launch == l; mark++) device.RecordEvent(_marks[mark].Marker);
            launches[l].Issue(device);
        }
        for (; mark < _marks.Length; mark++) device.RecordEvent(_marks[mark].Marker);
    }

    /// <summary>
    /// Reads a finished timed run: step s lasted from marker s to marker s + 1; a gate's masks from its step's marker to
    /// the marker before its conv (so they are part of the step's time).
    /// </summary>
    public void Read(IKernelDevice device, Span<double> stepSeconds, Span<double> gateMaskSeconds)
    {
        for (int s = 0; s < _steps; s++) stepSeconds[s] = device.ElapsedSeconds(s, s + 1);
        for (int k = 0; k < _gates.Length; k++) gateMaskSeconds[_gates[k].Gate] = device.ElapsedSeconds(_gates[k].Step, _steps + 1 + k);
    }
}
