using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>
/// One <see cref="GrpcTestServer"/> shared by the tests of a class, with the checks every robustness
/// test ends with: the server still serves, no call is left in flight, nothing was logged as an error.
/// </summary>
public sealed class RobustnessServer : IAsyncLifetime
{
    public GrpcTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GrpcTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public Task<Http2Connection> ConnectAsync() => Http2Connection.ConnectAsync(Server.Address);

    /// <summary>A normal unary call on <paramref name="connection"/> (a new connection when null) succeeds.</summary>
    public async Task AssertServesAsync(Http2Connection? connection = null)
    {
        var own = connection is null ? await ConnectAsync() : null;
        try
        {
            var request = new EchoRequest { Message = "still serving" };
            var stream = await RawGrpc.CallAsync((connection ?? own)!, RawGrpc.Unary, RawGrpc.Message(request));
            await stream.EndedAsync();
            Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
            Assert.Equal("still serving", Assert.Single(stream.Messages(EchoReply.Parser)).Message);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Starts a call of <paramref name="path"/> whose handler waits on its token (after one reply for
    /// server streaming; with the request stream still open for duplex); returns once it waits.
    /// </summary>
    public async Task<(Http2Stream Stream, string ProbeKey)> StartWaitingCallAsync(Http2Connection connection, string path)
    {
        var key = Guid.NewGuid().ToString();
        var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, path), endStream: false);
        await connection.SendDataAsync(stream.Id, RawGrpc.Message(new EchoRequest { Count = 2, DelayMs = 60_000, ProbeKey = key }),
            endStream: path != RawGrpc.Duplex);
        await Server.Probe.WaitingAsync(key);
        return (stream, key);
    }

    /// <summary>Waits (bounded) until the server has no call in flight; fails naming how many are left.</summary>
    public async Task AssertNoCallsInFlightAsync()
    {
        var limit = DateTime.UtcNow + EchoMethods.WaitLimit;
        while (Server.ActiveCalls != 0 && DateTime.UtcNow < limit)
        {
            await Task.Delay(10);
        }

        Assert.True(Server.ActiveCalls == 0, $"{Server.ActiveCalls} server call(s) still in flight.");
    }

    /// <summary>Waits (bounded) until exactly <paramref name="count"/> calls are in flight.</summary>
    public async Task WaitForCallsInFlightAsync(long count)
    {
        var limit = DateTime.UtcNow + EchoMethods.WaitLimit;
        while (Server.ActiveCalls != count && DateTime.UtcNow < limit)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, Server.ActiveCalls);
    }

    /// <summary>
    /// Error-level events that are a correct answer to abusive input: Kestrel drops a connection whose
    /// client resets streams faster than it can clear them out, and logs that as an error.
    /// </summary>
    private static readonly HashSet<string> ExpectedErrors = ["Http2QueueOperationsExceeded"];

    /// <summary>
    /// Takes every log entry captured so far and fails on any at Error or above, but for
    /// <see cref="ExpectedErrors"/> and the messages <paramref name="expected"/> accepts.
    /// </summary>
    public void AssertNoErrorLogs(Func<string, bool>? expected = null)
    {
        var errors = new List<string>();
        while (Server.Logs.Entries.TryDequeue(out var entry))
        {
            if (entry.Level >= LogLevel.Error && !ExpectedErrors.Contains(entry.EventId.Name ?? "") && expected?.Invoke(entry.Message) != true)
            {
                errors.Add($"{entry.Category} [{entry.EventId}]: {entry.Message}");
            }
        }

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>The end of every test: a new connection is served, no call leaked, no error was logged.</summary>
    public async Task AssertHealthyAsync()
    {
        await AssertServesAsync();
        await AssertNoCallsInFlightAsync();
        AssertNoErrorLogs();
    }
}
