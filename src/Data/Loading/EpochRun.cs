using System.Runtime.ExceptionServices;

namespace NativeDance.Data.Loading;

/// <summary>
/// One epoch (or the rest of one) being read: worker threads claim clip positions in order and write each clip into
/// its row of a batch slot; the consumer takes completed batches in order. Batch b lives in slot b mod S and may be
/// filled only while b &lt; freed + S, where batches below <c>freed</c> have been handed over and left by the consumer:
/// that is the bounded queue (at most S - 1 batches ahead of the one the consumer holds).
/// </summary>
internal sealed class EpochRun : IDisposable
{
    private readonly ClipLoader _loader;
    private readonly ClipBatch[] _slots;
    private readonly int[] _order;
    private readonly int _epoch;
    private readonly int _endBatch;
    private readonly int _endPosition;
    private readonly object _gate = new();
    private readonly int[] _filled;
    private readonly int[] _expected;
    private readonly (int Row, ExceptionDispatchInfo Error)?[] _errors;
    private readonly Thread[] _workers;
    private int _nextPosition;
    private int _freed;
    private bool _stopping;

    public EpochRun(ClipLoader loader, ClipBatch[] slots, int[] order, int epoch, int startStep, int workers)
    {
        _loader = loader;
        _slots = slots;
        _order = order;
        _epoch = epoch;
        _endBatch = loader.StepsPerEpoch;
        _endPosition = Math.Min(order.Length, _endBatch * loader.BatchSize);
        _nextPosition = startStep * loader.BatchSize;
        _freed = startStep;
        _filled = new int[slots.Length];
        _expected = new int[slots.Length];
        _errors = new (int, ExceptionDispatchInfo)?[slots.Length];
        for (int b = startStep; b < Math.Min(_endBatch, startStep + slots.Length); b++) Assign(b);
        _workers = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            _workers[w] = new Thread(Work) { IsBackground = true, Name = $"ClipLoader worker {w}" };
            _workers[w].Start();
        }
    }

    /// <summary>Waits until batch <paramref name="batch"/> is complete, after releasing the previous one to the workers.</summary>
    /// <exception cref="OperationCanceledException">The token fired while waiting.</exception>
    public ClipBatch Take(int batch, CancellationToken cancellationToken)
    {
        int slot = batch % _slots.Length;
        lock (_gate)
        {
            if (batch > _freed)
            {
                _freed = batch;
                if (batch - 1 + _slots.Length < _endBatch) Assign(batch - 1 + _slots.Length);
                Monitor.PulseAll(_gate);
            }
            while (_filled[slot] < _expected[slot] && !_stopping) Monitor.Wait(_gate);
            if (_filled[slot] < _expected[slot]) throw new OperationCanceledException(cancellationToken);
        }
        _errors[slot]?.Error.Throw();
        var result = _slots[slot];
        result.Publish(_epoch, batch, _expected[slot]);
        return result;
    }

    /// <summary>Stops the workers at the next clip boundary (used by cancellation).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops the workers and waits for them to finish their current clip.</summary>
    public void Dispose()
    {
        Stop();
        foreach (var worker in _workers) worker.Join();
    }

    /// <summary>Prepares the slot of <paramref name="batch"/>; called under the gate, before any worker may claim it.</summary>
    private void Assign(int batch)
    {
        int slot = batch % _slots.Length;
        _slots[slot].Reset();
        _filled[slot] = 0;
        _expected[slot] = Math.Min(_loader.BatchSize, _endPosition - batch * _loader.BatchSize);
        _errors[slot] = null;
    }

    private void Work()
    {
        using var workspace = _loader.Transforms?.CreateWorkspace();
        while (true)
        {
            int position;
            lock (_gate)
            {
                while (!_stopping && _nextPosition < _endPosition && _nextPosition / _loader.BatchSize >= _freed + _slots.Length)
                    Monitor.Wait(_gate);
                if (_stopping || _nextPosition >= _endPosition) return;
                position = _nextPosition++;
            }

            int slot = position / _loader.BatchSize % _slots.Length;
            int row = position % _loader.BatchSize;
            ExceptionDispatchInfo? error = null;
            try
            {
                int index = _order[position];
                int label = _loader.ReadSample(index, _epoch, position, _slots[slot].Row(row), workspace);
                _slots[slot].Store(row, label, index);
            }
            catch (ClipReadException e) when (_loader.Options.SkipUnreadableClips)
            {
                _slots[slot].MarkSkipped(row);
                _loader.CountSkipped(e);
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }

            lock (_gate)
            {
                // Keep the failure of the lowest row, so the consumer sees the same error whatever the thread timing.
                if (error is not null && (_errors[slot] is not { } first || row < first.Row)) _errors[slot] = (row, error);
                if (++_filled[slot] == _expected[slot]) Monitor.PulseAll(_gate);
            }
        }
    }
}
