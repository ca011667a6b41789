namespace AgentMesh.Workflow.Replay;

/// <summary>Replayed workflow code did not take the decisions recorded in history; the instance fails.</summary>
internal sealed class NonDeterministicWorkflowException(string message) : Exception(message);
