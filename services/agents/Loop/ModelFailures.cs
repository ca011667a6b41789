using System.ClientModel;
using AgentMesh.Clients;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// How a failed model call is reported: its failure class and a message meant for a person. The provider's own
/// error text is only logged (with the run and step), never returned, since it can quote keys, prompts or
/// internals. The SDK has already retried 408, 429 and 5xx answers (honouring Retry-After) when this is reached.
/// </summary>
public static class ModelFailures
{
    /// <summary>The class (<see cref="FailureClasses.Fatal"/> or <see cref="FailureClasses.Transient"/>) and message for <paramref name="error"/> of <paramref name="role"/>'s model call.</summary>
    public static (string FailureClass, string Message) Describe(Exception error, string role)
    {
        var status = error switch
        {
            ClientResultException result => result.Status,
            HttpRequestException { StatusCode: { } code } => (int)code,
            _ => 0,
        };
        return status switch
        {
            401 or 403 => (FailureClasses.Fatal,
                $"The AI service refused the credentials of role {role} (HTTP {status}). Check its model settings (Models:*); the step was not retried."),
            400 or 404 or 413 or 422 => (FailureClasses.Fatal,
                $"The AI service rejected the request of role {role} (HTTP {status}). Check the model name and endpoint (Models:*); the step was not retried."),
            0 => (FailureClasses.Transient, $"The AI service could not be reached for role {role}; the step will be tried again."),
            _ => (FailureClasses.Transient, $"The AI service is temporarily busy or failing (HTTP {status}) for role {role}; the step will be tried again."),
        };
    }
}
