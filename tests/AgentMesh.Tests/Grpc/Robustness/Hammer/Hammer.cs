using System.Net.Sockets;
using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness.Hammer;

/// <summary>
/// Random traffic against one server over a small pool of raw connections: well-formed calls
/// (which must get exactly their replies, or fail only at the transport level), mutated calls,
/// calls left waiting, stream resets, random frames and vanishing clients. A connection that got a
/// random frame is retired from the pool (its state is no longer known) and closed with the round.
/// The sequence of actions follows from the seed of the <see cref="Random"/>; <c>serverState</c>
/// describes the server for failure messages.
/// </summary>
internal sealed class Hammer(string address, Random random, Func<string> serverState)
{
    private readonly RandomInput _input = new(random);
    private readonly Http2Connection?[] _pool = new Http2Connection?[4];
    private readonly List<Http2Connection> _retired = [];
    private readonly List<(Http2Connection Connection, Http2Stream Stream)> _started = [];
    private readonly Dictionary<Http2Connection, List<string>> _history = [];

    /// <summary>Well-formed calls that got their replies; the rest failed at the transport level.</summary>
    public int ValidCallsServed { get; private set; }

    /// <summary>Well-formed calls sent and ended.</summary>
    public int ValidCalls { get; private set; }

    public async Task RunAsync(int iterations)
    {
        for (var i = 0; i < iterations; i++)
        {
            var slot = random.Next(_pool.Length);
            var connection = _pool[slot] ??= await Http2Connection.ConnectAsync(address);
            try
            {
                await StepAsync(slot, connection);
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
                // The server closed this connection (as a random frame may make it do): use a new one.
                Retire(slot);
            }
        }
    }

    /// <summary>Resets every connection at once (after a failure, so that the server can stop).</summary>
    public async Task AbortAllAsync()
    {
        foreach (var connection in _pool.OfType<Http2Connection>().Concat(_retired))
        {
            connection.Abort();
            await connection.DisposeAsync();
        }

        Array.Clear(_pool);
        _retired.Clear();
    }

    /// <summary>Closes every connection, gracefully (GOAWAY, then FIN) or not (TCP reset), at random.</summary>
    public async Task CloseAllAsync()
    {
        for (var slot = 0; slot < _pool.Length; slot++)
        {
            if (_pool[slot] is not null)
            {
                Retire(slot);
            }
        }

        foreach (var connection in _retired)
        {
            if (random.Next(2) == 0)
            {
                connection.Abort();
            }
            else
            {
                try
                {
                    await connection.SendAsync(Http2Frames.GoAway(0, Http2ErrorCode.NoError));
                }
                catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
                {
                    // Already closed by the server.
                }
            }

            await connection.DisposeAsync();
        }

        _retired.Clear();
        _started.Clear();
        _history.Clear();
    }

    private async Task StepAsync(int slot, Http2Connection connection)
    {
        switch (random.Next(100))
        {
            case < 35:
                await ValidCallAsync(connection);
                break;
            case < 65:
                var mutated = _input.Mutate(_input.ValidCall(connection));
                Record(connection, $"mutated {Describe(mutated)}");
                _started.Add((connection, await SendAsync(connection, mutated)));
                break;
            case < 72:
                var waiting = RawGrpc.Headers(connection, random.Next(2) == 0 ? RawGrpc.Duplex : RawGrpc.ServerStream);
                var request = RawGrpc.Message(new EchoRequest { Count = 2, DelayMs = 60_000 });
                Record(connection, "waiting call");
                _started.Add((connection, await SendAsync(connection, new HammerCall("", waiting, request, 64, random.Next(2) == 0, null))));
                break;
            case < 84:
                if (_started.Where(started => !started.Stream.Ended.IsCompleted).ToList() is { Count: > 0 } open)
                {
                    var (owner, stream) = open[random.Next(open.Count)];
                    var code = random.Next(4) == 0 ? (Http2ErrorCode)random.Next(16) : Http2ErrorCode.Cancel;
                    Record(owner, $"RST_STREAM {code} on stream {stream.Id}");
                    await owner.ResetStreamAsync(stream.Id, code);
                }

                break;
            case < 96:
                await connection.SendRawAsync(_input.Frame(_started.LastOrDefault(started => started.Connection == connection).Stream?.Id ?? 1));
                Retire(slot);
                break;
            default:
                connection.Abort();
                Retire(slot);
                break;
        }
    }

    private void Record(Http2Connection connection, string action)
    {
        if (!_history.TryGetValue(connection, out var history))
        {
            _history[connection] = history = [];
        }

        history.Add(action);
    }

    private static string Describe(HammerCall call)
        => $"{call.Headers.FirstOrDefault(h => h.Name == ":path").Value} body={call.Body.Length} chunk={call.ChunkSize} end={call.EndStream} "
           + string.Join(" ", call.Headers.Where(h => !h.Name.StartsWith(':')).Select(h => $"{h.Name}={h.Value}"));

    private async Task ValidCallAsync(Http2Connection connection)
    {
        var call = _input.ValidCall(connection);
        var stream = await SendAsync(connection, call);
        Record(connection, $"valid {Describe(call)} on stream {stream.Id}");
        try
        {
            await stream.EndedAsync();
        }
        catch (TimeoutException)
        {
            var headers = stream.ResponseHeaders.IsCompletedSuccessfully ? "headers" : "no headers";
            var goAway = connection.GoAwayReceived.IsCompleted ? $"GOAWAY {connection.GoAwayReceived.Result}" : "no GOAWAY";
            Assert.Fail($"a well-formed call never ended ({headers}, {stream.Data.Length} body bytes, {goAway}); "
                + $"this connection's actions:\n{string.Join("\n", _history[connection])}\nserver: {serverState()}");
        }

        ValidCalls++;
        if (stream.Status() is not { } status)
        {
            return; // reset (e.g. REFUSED_STREAM) or the connection went away: never a wrong answer
        }

        Assert.True(status == StatusCode.OK, $"a well-formed call failed: {stream.Describe()}");
        Assert.Equal(call.ExpectedReplies, stream.Messages(EchoReply.Parser).Select(reply => reply.Message).ToArray());
        ValidCallsServed++;
    }

    private static async Task<Http2Stream> SendAsync(Http2Connection connection, HammerCall call)
    {
        var stream = await connection.StartStreamAsync(call.Headers, endStream: call.Body.Length == 0 && call.EndStream, fragmentSize: call.ChunkSize);
        if (call.Body.Length > 0)
        {
            await connection.SendDataAsync(stream.Id, call.Body, call.EndStream, call.ChunkSize);
        }

        return stream;
    }

    private void Retire(int slot)
    {
        _retired.Add(_pool[slot]!);
        _pool[slot] = null;
    }
}
