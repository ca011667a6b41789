using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>
/// Tags a model call with the agent role, plan step and turn (1-based) that made it, in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="RoleKey"/>, <see cref="StepKey"/> and
/// <see cref="TurnKey"/>. The scripted provider matches on these tags; the recorder writes them down.
/// </summary>
public static class ModelCallTags
{
    /// <summary>Key of the agent role (string).</summary>
    public const string RoleKey = "agentmesh.role";

    /// <summary>Key of the plan step id (string; absent when the call belongs to no step).</summary>
    public const string StepKey = "agentmesh.step";

    /// <summary>Key of the turn number within the step (int, from 1).</summary>
    public const string TurnKey = "agentmesh.turn";

    /// <summary>Writes the tags into <paramref name="options"/>, replacing earlier ones.</summary>
    /// <exception cref="ArgumentException"><paramref name="role"/> is empty or <paramref name="turn"/> is below 1.</exception>
    public static void Set(ChatOptions options, string role, string? stepId, int turn)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentOutOfRangeException.ThrowIfLessThan(turn, 1);
        var properties = options.AdditionalProperties ??= new AdditionalPropertiesDictionary();
        properties[RoleKey] = role;
        properties[TurnKey] = turn;
        if (stepId is null)
        {
            properties.Remove(StepKey);
        }
        else
        {
            properties[StepKey] = stepId;
        }
    }

    /// <summary>Reads the tags; <c>null</c> when the role or turn tag is missing or unreadable.</summary>
    public static (string Role, string? StepId, int Turn)? Get(ChatOptions? options)
    {
        var properties = options?.AdditionalProperties;
        if (properties is null
            || AsString(properties.GetValueOrDefault(RoleKey)) is not { Length: > 0 } role
            || AsInt(properties.GetValueOrDefault(TurnKey)) is not { } turn)
        {
            return null;
        }

        return (role, AsString(properties.GetValueOrDefault(StepKey)), turn);
    }

    private static string? AsString(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => null,
    };

    private static int? AsInt(object? value) => value switch
    {
        int i => i,
        long l and >= int.MinValue and <= int.MaxValue => (int)l,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };
}
