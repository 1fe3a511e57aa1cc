using NativeDance.Cuda;
using NativeDance.PtxInterpreter.Execution;

namespace NativeDance.PtxInterpreter.Memory;

/// <summary>
/// Finds shared-memory data races between barriers: a thread reading, or plainly overwriting, a byte another thread wrote
/// since the last bar.sync / bar.red. On a GPU the two accesses are unordered; here threads run one after another, so a
/// missing barrier (e.g. before a tile is refilled) shows up as a read of another thread's write in the same interval.
/// Atomics are checked as reads and not recorded as writes, so concurrent atomics on one word are fine.
/// Shadow per byte: the linear id of its last writer and the barrier interval of that write.
/// </summary>
internal sealed class SharedRaceDetector(int length, Func<int, Dim3> threadIndex)
{
    private readonly int[] _writer = new int[length];
    private readonly int[] _interval = new int[length];
    private int _current = 1;

    /// <summary>Forgets every write (a new block).</summary>
    public void Reset()
    {
        Array.Clear(_interval);
        _current = 1;
    }

    /// <summary>A barrier released every thread: earlier writes are now ordered before later accesses.</summary>
    public void NextInterval() => _current++;

    /// <summary>Faults when a byte of [offset, offset + count) was written by another thread in the current interval.</summary>
    public void CheckRead(int offset, int count, int thread)
    {
        for (int i = offset; i < offset + count; i++)
        {
            if (_interval[i] == _current && _writer[i] != thread)
            {
                throw Race(i, "reads");
            }
        }
    }

    /// <summary>Records a plain write; faults when another thread wrote one of the bytes in the current interval.</summary>
    public void RecordWrite(int offset, int count, int thread)
    {
        for (int i = offset; i < offset + count; i++)
        {
            if (_interval[i] == _current && _writer[i] != thread)
            {
                throw Race(i, "overwrites");
            }

            _interval[i] = _current;
            _writer[i] = thread;
        }
    }

    private PtxFault Race(int offset, string access) =>
        new($"shared memory race: this thread {access} byte {offset}, which thread {threadIndex(_writer[offset])} wrote since the last barrier (bar.sync missing between them?)");
}
