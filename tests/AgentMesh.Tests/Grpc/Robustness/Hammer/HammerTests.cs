using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Xunit;
using Xunit.Abstractions;

namespace AgentMesh.Tests.Grpc.Robustness.Hammer;

[CollectionDefinition(nameof(HammerTests), DisableParallelization = true)]
public sealed class HammerCollection;

/// <summary>
/// Random inputs against one server, round after round; after every round the server serves, has
/// no call in flight and logged no error, and its managed memory does not keep growing. The seed
/// is printed and in every failure; set AGENTMESH_HAMMER_SEED to replay one.
/// </summary>
[Collection(nameof(HammerTests))]
public sealed class HammerTests(ITestOutputHelper output)
{
    private const int Rounds = 5;
    private const int IterationsPerRound = 600;

    /// <summary>Hammers running at once, each on its own connections with its own generator (seed, seed + 1, …).</summary>
    private const int Hammers = 2;

    /// <summary>Growth of managed memory allowed from round 2 to the last: far above noise, far below a leak of the calls of three rounds.</summary>
    private const long MemorySlack = 8L * 1024 * 1024;

    [Fact]
    public async Task The_server_survives_random_frames_messages_resets_and_disconnects()
    {
        var seed = Environment.GetEnvironmentVariable("AGENTMESH_HAMMER_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"hammer seed {seed}");
        var fixture = new RobustnessServer();
        await fixture.InitializeAsync();
        var hammers = Enumerable.Range(0, Hammers)
            .Select(i => new Hammer(fixture.Server.Address, new Random(seed + i), () => $"{fixture.Server.ActiveCalls} call(s) in flight; last log entries:\n"
                + string.Join("\n", fixture.Server.Logs.Entries.TakeLast(30).Select(entry => $"{entry.Level} {entry.EventId.Name}: {entry.Message}"))))
            .ToList();
        var failures = new List<Exception>();
        try
        {
            await HammerAsync(fixture, hammers);
        }
        catch (Exception exception)
        {
            failures.Add(exception);
            await Task.WhenAll(hammers.Select(hammer => hammer.AbortAllAsync()));
        }

        try
        {
            await fixture.DisposeAsync(); // a server that cannot stop holds a call or connection it should not
        }
        catch (Exception exception)
        {
            failures.Add(exception);
        }

        if (failures.Count > 0)
        {
            throw new HammerFailure(seed, failures.Count == 1 ? failures[0] : new AggregateException(failures));
        }
    }

    private async Task HammerAsync(RobustnessServer fixture, List<Hammer> hammers)
    {
        using var channel = GrpcChannel.ForAddress(fixture.Server.Address);
        var memory = new long[Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await Task.WhenAll(hammers.Select(hammer => hammer.RunAsync(IterationsPerRound)));
            await Task.WhenAll(hammers.Select(hammer => hammer.CloseAllAsync()));

            await fixture.AssertNoCallsInFlightAsync();
            await fixture.AssertServesAsync();
            var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Message = "after round" });
            Assert.Equal("after round", reply.Message);
            fixture.AssertNoErrorLogs(FailureTheRequestAskedFor);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            memory[round] = GC.GetTotalMemory(forceFullCollection: true);
            output.WriteLine($"round {round + 1}: {hammers.Sum(h => h.ValidCallsServed)}/{hammers.Sum(h => h.ValidCalls)} well-formed calls served, "
                + $"{memory[round] / 1024} KiB managed, {started.ElapsedMilliseconds} ms");
        }

        Assert.True(hammers.All(hammer => hammer.ValidCallsServed > 0), "a hammer got no well-formed call served");
        Assert.True(memory[^1] - memory[1] < MemorySlack,
            $"managed memory grew by {(memory[^1] - memory[1]) / 1024} KiB from round 2 to round {Rounds}: {string.Join(", ", memory.Select(m => m / 1024))} KiB");
    }

    /// <summary>
    /// A mutated request can be a valid one that asks the echo handler to fail: to throw (message
    /// "throw") or to use a response encoding that does not exist. Those handler errors are the
    /// service's own, logged as they should be.
    /// </summary>
    private static bool FailureTheRequestAskedFor(string message)
        => message.Contains("secret handler detail", StringComparison.Ordinal)
           || message.Contains("System.ArgumentException: ResponseCompressionEncoding '", StringComparison.Ordinal);

    private sealed class HammerFailure(int seed, Exception inner)
        : Exception($"Hammer failed with seed {seed} (replay: AGENTMESH_HAMMER_SEED={seed}): {inner.Message}", inner);
}
