using AgentMesh.DurableTask.Protocol;

namespace AgentMesh.Workflow;

/// <summary>An error recorded in history (Dapr's TaskFailureDetails).</summary>
/// <param name="ErrorType">Full .NET type name of the exception.</param>
/// <param name="ErrorMessage">Exception message.</param>
/// <param name="StackTrace">Stack trace, when recorded.</param>
/// <param name="InnerFailureDetails">Cause, when recorded.</param>
public sealed record WorkflowTaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, WorkflowTaskFailureDetails? InnerFailureDetails = null)
{
    /// <summary>True when <see cref="ErrorType"/> or a cause's type is <typeparamref name="T"/> or derives from it.</summary>
    public bool IsCausedBy<T>() where T : Exception
    {
        for (var details = this; details is not null; details = details.InnerFailureDetails)
        {
            var type = Type.GetType(details.ErrorType, throwOnError: false) ?? AppDomain.CurrentDomain.GetAssemblies()
                .Select(a => a.GetType(details.ErrorType, throwOnError: false)).FirstOrDefault(t => t is not null);
            if (type is not null && typeof(T).IsAssignableFrom(type))
                return true;
        }
        return false;
    }

    internal static WorkflowTaskFailureDetails? FromProto(TaskFailureDetails? proto) => proto is null
        ? null
        : new(proto.ErrorType, proto.ErrorMessage, proto.StackTrace, FromProto(proto.InnerFailure));

    internal static TaskFailureDetails ToProto(Exception exception)
    {
        var proto = new TaskFailureDetails
        {
            ErrorType = exception.GetType().FullName ?? exception.GetType().Name,
            ErrorMessage = exception.Message,
            StackTrace = exception.StackTrace,
        };
        if (exception is WorkflowTaskFailedException { FailureDetails: { } cause })
            proto.InnerFailure = ToProto(cause);
        else if (exception.InnerException is { } inner)
            proto.InnerFailure = ToProto(inner);
        return proto;
    }

    internal static TaskFailureDetails ToProto(WorkflowTaskFailureDetails details)
    {
        var proto = new TaskFailureDetails { ErrorType = details.ErrorType, ErrorMessage = details.ErrorMessage, StackTrace = details.StackTrace };
        if (details.InnerFailureDetails is { } inner)
            proto.InnerFailure = ToProto(inner);
        return proto;
    }
}
