using Microsoft.Extensions.Logging;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>Log messages of the gRPC server. Event ids are fixed; never reuse a retired one.</summary>
internal static partial class GrpcServerLog
{
    public const string Category = "AgentMesh.Grpc.Server";

    [LoggerMessage(1, LogLevel.Information, "gRPC call {Method} was cancelled by the client.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(2, LogLevel.Information, "gRPC call {Method} exceeded its deadline {Deadline:O}.")]
    public static partial void DeadlineExceeded(ILogger logger, string method, DateTime deadline);

    [LoggerMessage(3, LogLevel.Error, "gRPC handler of {Method} threw an exception.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallEndedWithStatus(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(5, LogLevel.Debug, "Rejected request to {Path}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string path, string reason);

    [LoggerMessage(6, LogLevel.Debug, "Invalid grpc-timeout '{Value}' ignored.")]
    public static partial void InvalidTimeout(ILogger logger, string value);

    [LoggerMessage(7, LogLevel.Information, "gRPC call {Method} was cancelled by the server.")]
    public static partial void CallCancelledByServer(ILogger logger, string method);

    [LoggerMessage(8, LogLevel.Information, "gRPC call {Method} ended but its status could not be sent: {Reason}")]
    public static partial void EndNotSent(ILogger logger, string method, string reason);

    [LoggerMessage(9, LogLevel.Information, "gRPC server is shutting down: new calls are refused, calls in flight have {Timeout} to finish.")]
    public static partial void DrainStarted(ILogger logger, TimeSpan timeout);

    [LoggerMessage(10, LogLevel.Debug, "gRPC call {Method} refused: the server is shutting down.")]
    public static partial void RefusedWhileDraining(ILogger logger, string method);

    [LoggerMessage(11, LogLevel.Warning, "gRPC call {Method} was cancelled: it did not finish within the shutdown drain timeout.")]
    public static partial void CancelledByDrain(ILogger logger, string method);
}
