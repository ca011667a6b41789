using System.ClientModel;
using AgentMesh.Clients;
using Grpc.Core;

namespace AgentMesh.Models;

/// <summary>
/// How a failed model call is reported: whether retrying can help, and a message meant for a person. The
/// provider's own error text belongs in the log (with the run and step), never in what callers see, since it can
/// quote keys, prompts or internals. The SDK has already retried 408, 429 and 5xx answers (honouring
/// Retry-After) when this is reached.
/// </summary>
public static class ModelFailures
{
    /// <summary>
    /// Whether <paramref name="error"/> of <paramref name="role"/>'s model call is fatal (401/403, an unknown model, a request
    /// the service rejects: retrying repeats it) or transient (busy, 5xx, unreachable), and the message to report.
    /// </summary>
    public static (bool Fatal, string Message) Describe(Exception error, string role)
    {
        var status = error switch
        {
            ClientResultException result => result.Status,
            HttpRequestException { StatusCode: { } code } => (int)code,
            _ => 0,
        };
        return status switch
        {
            401 or 403 => (true,
                $"The AI service refused the credentials of role {role} (HTTP {status}). Check its model settings (Models:*); the step was not retried."),
            400 or 404 or 413 or 422 => (true,
                $"The AI service rejected the request of role {role} (HTTP {status}). Check the model name and endpoint (Models:*); the step was not retried."),
            // Also the run's error once the retries ran out, so it must not promise another try.
            0 => (false, $"The AI service could not be reached for role {role}; the run tries again up to Orchestrator:ActivityMaxAttempts times before it fails."),
            _ => (false, $"The AI service is temporarily busy or failing (HTTP {status}) for role {role}; the run tries again up to Orchestrator:ActivityMaxAttempts times before it fails."),
        };
    }

    /// <summary>
    /// The gRPC error a service reports for <paramref name="error"/> of <paramref name="role"/>'s model call: for a cassette
    /// without the exchange FAILED_PRECONDITION with its message (the run cannot go on as recorded); otherwise
    /// <see cref="Describe"/>'s message, FAILED_PRECONDITION with class <c>fatal</c> or UNAVAILABLE with class
    /// <c>transient</c> in trailer <see cref="FailureClasses.Trailer"/>.
    /// </summary>
    public static RpcException ToRpcException(Exception error, string role)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is CassetteMissException miss)
        {
            return new RpcException(new Status(StatusCode.FailedPrecondition, miss.Message));
        }

        var (fatal, message) = Describe(error, role);
        return new RpcException(
            new Status(fatal ? StatusCode.FailedPrecondition : StatusCode.Unavailable, message),
            new Metadata { { FailureClasses.Trailer, fatal ? FailureClasses.Fatal : FailureClasses.Transient } });
    }
}
