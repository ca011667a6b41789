namespace AgentMesh.Models;

/// <summary>
/// The scripted provider cannot answer a model call from its cassette (no matching entry, or the entry
/// refers to a variable that was not given). The message names the role, step,
/// turn and cassette file, and lists the entries the cassette has for that role.
/// </summary>
public sealed class CassetteMissException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CassetteMissException(string message, string cassettePath, string? role, string? stepId, int? turn)
        : base(message)
    {
        CassettePath = cassettePath;
        Role = role;
        StepId = stepId;
        Turn = turn;
    }

    /// <summary>The cassette file.</summary>
    public string CassettePath { get; }

    /// <summary>Role of the call; <c>null</c> when the call carried no <see cref="ModelCallTags"/>.</summary>
    public string? Role { get; }

    /// <summary>Step id of the call, if any.</summary>
    public string? StepId { get; }

    /// <summary>Turn of the call; <c>null</c> when untagged.</summary>
    public int? Turn { get; }
}
