using Xunit;

namespace AgentMesh.Tests.Grpc;

/// <summary>Waits for a condition that other threads make true, failing after <see cref="EchoMethods.WaitLimit"/>.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + EchoMethods.WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
