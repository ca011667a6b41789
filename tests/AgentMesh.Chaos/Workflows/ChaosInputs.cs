namespace AgentMesh.Chaos.Workflows;

// Inputs of the four chaos workflows (JSON, camelCase, as the Dapr.Workflow SDK serializes them).

/// <summary><see cref="ChaosChainWorkflow"/>: <paramref name="Steps"/> steps in a row, starting from <paramref name="Seed"/>.</summary>
public sealed record ChainInput(int Steps, long Seed, int WorkMilliseconds);

/// <summary><see cref="ChaosFanOutWorkflow"/>: steps on 1..<paramref name="Width"/> in parallel.</summary>
public sealed record FanOutInput(int Width, int WorkMilliseconds);

/// <summary><see cref="ChaosTimerWorkflow"/>: one durable timer per delay, each followed by a step.</summary>
public sealed record TimerInput(int[] DelaysMilliseconds, int WorkMilliseconds);

/// <summary><see cref="ChaosEventWorkflow"/>: waits for the external events <c>e0</c>..<c>e{Events-1}</c> in order (each at most <paramref name="TimeoutSeconds"/>), then one step.</summary>
public sealed record EventInput(int Events, int TimeoutSeconds, int WorkMilliseconds);

/// <summary><see cref="ChaosParentWorkflow"/>: a <see cref="ChaosChainWorkflow"/> child on <paramref name="Child"/>, then one step.</summary>
public sealed record ParentInput(ChainInput Child, int WorkMilliseconds);
