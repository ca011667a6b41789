using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Sidecar = Dapr.DurableTask.Protobuf;

namespace AgentMesh.Tests.TaskHub;

/// <summary>PurgeInstances with a filter (creation time, statuses), sent with the SDK package's raw client over gRPC.</summary>
public sealed class PurgeByFilterTests(HubFixture fixture) : IClassFixture<HubFixture>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.Hub.Address);

    private Sidecar.TaskHubSidecarService.TaskHubSidecarServiceClient Raw => new(_channel);

    [Fact]
    public async Task A_filter_purges_the_finished_instances_it_matches_and_keeps_the_rest()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var completed = new[] { await RunAsync(nameof(ChainWorkflow), "\"a\""), await RunAsync(nameof(ChainWorkflow), "\"b\"") };
        var failed = await RunAsync(nameof(FailingWorkflow), "\"x\"");
        var parked = "parked-" + Guid.NewGuid().ToString("N");
        await Raw.StartInstanceAsync(new Sidecar.CreateInstanceRequest { InstanceId = parked, Name = nameof(ParkedWorkflow), Input = "false" });

        var none = await PurgeAsync(new Sidecar.PurgeInstanceFilter { CreatedTimeFrom = Timestamp.FromDateTime(before), CreatedTimeTo = Timestamp.FromDateTime(before) });
        var onlyFailed = await PurgeAsync(new Sidecar.PurgeInstanceFilter { CreatedTimeFrom = Timestamp.FromDateTime(before), RuntimeStatus = { Sidecar.OrchestrationStatus.Failed } });
        var failedGone = !await ExistsAsync(failed);
        var completedKept = await ExistsAsync(completed[0]);
        var everyFinished = await PurgeAsync(new Sidecar.PurgeInstanceFilter { CreatedTimeFrom = Timestamp.FromDateTime(before) });

        Assert.Equal(0, none);
        Assert.Equal(1, onlyFailed);
        Assert.True(failedGone);
        Assert.True(completedKept);
        Assert.Equal(2, everyFinished);
        Assert.False(await ExistsAsync(completed[1]));
        Assert.True(await ExistsAsync(parked));
        await fixture.Client.RaiseEventAsync(parked, "release", "done");
    }

    [Fact]
    public async Task A_filter_naming_a_status_that_has_not_finished_is_INVALID_ARGUMENT()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Raw.PurgeInstancesAsync(new Sidecar.PurgeInstancesRequest
        {
            PurgeInstanceFilter = new Sidecar.PurgeInstanceFilter { RuntimeStatus = { Sidecar.OrchestrationStatus.Completed, Sidecar.OrchestrationStatus.Running } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("RUNNING", error.Status.Detail);
    }

    public void Dispose() => _channel.Dispose();

    private async Task<string> RunAsync(string workflow, string input)
    {
        var id = "purge-" + Guid.NewGuid().ToString("N");
        await Raw.StartInstanceAsync(new Sidecar.CreateInstanceRequest { InstanceId = id, Name = workflow, Input = input });
        await fixture.Hub.WaitForCompletionAsync(id);
        return id;
    }

    private async Task<int> PurgeAsync(Sidecar.PurgeInstanceFilter filter)
        => (await Raw.PurgeInstancesAsync(new Sidecar.PurgeInstancesRequest { PurgeInstanceFilter = filter, Recursive = true })).DeletedInstanceCount;

    private async Task<bool> ExistsAsync(string id) => (await Raw.GetInstanceAsync(new Sidecar.GetInstanceRequest { InstanceId = id })).Exists;
}
