namespace AgentMesh.TaskHub.Backend;

/// <summary>A workflow instance with the requested id exists and has not finished.</summary>
internal sealed class InstanceExistsException(string message) : InvalidOperationException(message);
