using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentMesh.Models;

/// <summary>A cassette file: <c>{ "version": 1, "exchanges": [ … ] }</c> (camelCase JSON).</summary>
public sealed class CassetteDocument
{
    /// <summary>Format version; only 1 exists.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The recorded exchanges, in recording order.</summary>
    public List<CassetteExchange> Exchanges { get; set; } = [];
}

/// <summary>One recorded model call, identified by role, optional step and turn (never by prompt text).</summary>
public sealed class CassetteExchange
{
    /// <summary>Agent role that made the call, e.g. <c>"researcher"</c>.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>Plan step id; <c>null</c> matches a call from any step (see <see cref="CassetteChatClient"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Step { get; set; }

    /// <summary>Turn within the step, from 1.</summary>
    public int Turn { get; set; }

    /// <summary>What the model answered.</summary>
    public CassetteResponse Response { get; set; } = new();
}

/// <summary>A recorded model answer.</summary>
public sealed class CassetteResponse
{
    /// <summary>Assistant text; <c>null</c> or empty when the answer is only tool calls.</summary>
    public string? Text { get; set; }

    /// <summary>Tool calls the model asked for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<CassetteToolCall>? ToolCalls { get; set; }

    /// <summary>Token usage.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CassetteUsage? Usage { get; set; }

    /// <summary>Latency to simulate, in milliseconds, waited before the answer is given (set by hand; the recorder leaves it out); <c>null</c> or 0 answers at once.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DelayMs { get; set; }

    /// <summary>Model id to report; <c>null</c> reports <c>"scripted:&lt;cassette file name&gt;"</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; set; }
}

/// <summary>A recorded tool call. String values inside <see cref="Arguments"/> may use <c>${VAR}</c>.</summary>
public sealed class CassetteToolCall
{
    /// <summary>Call id, e.g. <c>"call_1"</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Tool (function) name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Arguments object; <c>null</c> means no arguments.</summary>
    public JsonObject? Arguments { get; set; }
}

/// <summary>Recorded token counts.</summary>
public sealed class CassetteUsage
{
    /// <summary>Prompt tokens.</summary>
    public long? InputTokens { get; set; }

    /// <summary>Completion tokens.</summary>
    public long? OutputTokens { get; set; }

    /// <summary>The part of <see cref="InputTokens"/> served from the provider's prompt cache.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CachedInputTokens { get; set; }
}
