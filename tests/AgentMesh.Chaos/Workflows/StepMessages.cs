namespace AgentMesh.Chaos.Workflows;

/// <summary>
/// The input of one <see cref="ChaosStep"/>: a key naming the call within its instance (e.g.
/// <c>chain-3</c>), the number it works on, and how long it pretends to work.
/// </summary>
public sealed record StepInput(string Key, long Operand, int WorkMilliseconds);

/// <summary>
/// A step's result: its value, and the nonce of the execution that produced it. The journal line of
/// that execution carries the same nonce, so the history's TaskCompleted names the execution whose
/// completion the hub committed.
/// </summary>
public sealed record StepOutput(long Value, string Nonce);
