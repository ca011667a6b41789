namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>
/// What a raw client saw of one stream: the response headers, the body bytes, the trailers, and how
/// the stream ended (END_STREAM, RST_STREAM, or the connection went away). Fed by the connection's
/// read loop.
/// </summary>
public sealed class Http2Stream(int id)
{
    private readonly object _gate = new();
    private readonly MemoryStream _data = new();
    private readonly TaskCompletionSource<IReadOnlyList<(string Name, string Value)>> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(long Bytes, TaskCompletionSource Waiter)> _dataWaiters = new();

    public int Id { get; } = id;

    /// <summary>Completes with the first header block; faults if the stream ends without one.</summary>
    public Task<IReadOnlyList<(string Name, string Value)>> ResponseHeaders => _headers.Task;

    /// <summary>The trailing header block; null for a Trailers-Only response or a reset stream.</summary>
    public IReadOnlyList<(string Name, string Value)>? Trailers { get; private set; }

    /// <summary>The RST_STREAM error code the server sent, if it reset the stream.</summary>
    public Http2ErrorCode? ResetCode { get; private set; }

    /// <summary>True when the connection closed (or was aborted) before the stream ended.</summary>
    public bool ConnectionLost { get; private set; }

    /// <summary>Completes once the stream ended, however it ended.</summary>
    public Task Ended => _ended.Task;

    public byte[] Data
    {
        get
        {
            lock (_gate)
            {
                return _data.ToArray();
            }
        }
    }

    /// <summary>Completes once at least <paramref name="bytes"/> body bytes arrived, or the stream ended.</summary>
    public Task WaitForDataAsync(long bytes)
    {
        lock (_gate)
        {
            if (_data.Length >= bytes || _ended.Task.IsCompleted)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _dataWaiters.Add((bytes, waiter));
            return waiter.Task;
        }
    }

    internal void OnHeaders(IReadOnlyList<(string Name, string Value)> fields, bool endStream)
    {
        if (!_headers.TrySetResult(fields))
        {
            Trailers = fields;
        }

        if (endStream)
        {
            End();
        }
    }

    internal void OnData(ReadOnlySpan<byte> data, bool endStream)
    {
        lock (_gate)
        {
            _data.Write(data);
            ReleaseWaiters(all: false);
        }

        if (endStream)
        {
            End();
        }
    }

    internal void OnReset(Http2ErrorCode code)
    {
        ResetCode = code;
        End();
    }

    internal void OnConnectionClosed()
    {
        if (!_ended.Task.IsCompleted)
        {
            ConnectionLost = true;
            End();
        }
    }

    private void End()
    {
        _headers.TrySetException(new InvalidOperationException($"Stream {Id} ended without response headers."));
        _ = _headers.Task.Exception; // observed: a test that never asks for headers must not raise UnobservedTaskException
        lock (_gate)
        {
            ReleaseWaiters(all: true);
            _ended.TrySetResult();
        }
    }

    private void ReleaseWaiters(bool all)
    {
        for (var i = _dataWaiters.Count - 1; i >= 0; i--)
        {
            if (all || _data.Length >= _dataWaiters[i].Bytes)
            {
                _dataWaiters[i].Waiter.TrySetResult();
                _dataWaiters.RemoveAt(i);
            }
        }
    }
}
