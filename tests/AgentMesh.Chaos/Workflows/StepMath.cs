namespace AgentMesh.Chaos.Workflows;

/// <summary>What one <see cref="ChaosStep"/> computes: a cheap, deterministic function whose results differ from step to step.</summary>
public static class StepMath
{
    /// <summary>The modulus that keeps every value small (a prime).</summary>
    public const long Modulus = 1_000_003;

    /// <summary>(x² + 7) mod <see cref="Modulus"/>.</summary>
    public static long Apply(long operand) => (operand % Modulus * (operand % Modulus) + 7) % Modulus;
}
