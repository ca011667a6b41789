namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>
/// An <see cref="ArgumentCondition"/> that does not parse (thrown by <see cref="ArgumentCondition.Parse"/>) or
/// cannot be evaluated for one call's arguments (thrown by <see cref="ArgumentCondition.Holds"/>). The message
/// says what is wrong, e.g. where the expression stops parsing or which argument is missing.
/// </summary>
public sealed class ArgumentConditionException(string message, Exception? innerException = null) : Exception(message, innerException);
