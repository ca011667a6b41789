using AgentMesh.Grpc;

namespace AgentMesh.Interop.Client;

/// <summary>An interop test case's assertion failed; the message says what was expected and what came.</summary>
public sealed class InteropFailure(string message) : Exception(message)
{
    /// <summary>Throws an <see cref="InteropFailure"/> with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public static void Unless(bool condition, string message)
    {
        if (!condition)
        {
            throw new InteropFailure(message);
        }
    }

    /// <summary>
    /// Awaits <paramref name="call"/> and returns its <see cref="RpcException"/>; throws an
    /// <see cref="InteropFailure"/> when it succeeds or ends with another code than <paramref name="expected"/>.
    /// </summary>
    public static async Task<RpcException> ExpectStatusAsync(Func<Task> call, StatusCode expected, string what)
    {
        try
        {
            await call();
        }
        catch (RpcException exception) when (exception.StatusCode == expected)
        {
            return exception;
        }
        catch (RpcException exception)
        {
            throw new InteropFailure($"{what}: expected status {expected}, got {exception.StatusCode} \"{exception.Status.Detail}\".");
        }

        throw new InteropFailure($"{what}: expected status {expected}, but the call succeeded.");
    }
}
