using Microsoft.Extensions.Logging;

namespace AgentMesh.State;

/// <summary>The Dapr state store's log messages. Event ids are fixed and never reused.</summary>
internal static partial class DaprStateStoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Dapr state write of {Key} lost a race on attempt {Attempt}; retrying")]
    public static partial void WriteConflictRetried(ILogger logger, string key, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Dapr key index: removing {Count} stale entries of directory '{Directory}' lost a race; a later listing retries")]
    public static partial void IndexCleanupConflicted(ILogger logger, string directory, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Dapr key index: created the root index document {IndexKey} in state store {StoreName}")]
    public static partial void IndexRootCreated(ILogger logger, string indexKey, string storeName);
}
