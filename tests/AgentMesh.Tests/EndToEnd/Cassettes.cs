using System.Text.Json.Nodes;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>Writes small cassettes for tests (scripted model: no model endpoint can run here).</summary>
internal static class Cassettes
{
    /// <summary>A planner answer (text) for the given turn.</summary>
    public static JsonObject Planner(int turn, string text) => Exchange("planner", null, turn, text);

    /// <summary>A final answer of <paramref name="role"/> on <paramref name="step"/>.</summary>
    public static JsonObject Answer(string role, string? step, int turn, string text, int delayMs = 0)
    {
        var exchange = Exchange(role, step, turn, text);
        if (delayMs > 0)
        {
            exchange["response"]!["delayMs"] = delayMs;
        }

        return exchange;
    }

    /// <summary>A turn that calls one tool.</summary>
    public static JsonObject ToolCall(string role, string? step, int turn, string callId, string function, JsonObject arguments)
        => ToolCalls(role, step, turn, (callId, function, arguments));

    /// <summary>A turn that calls several tools, in this order.</summary>
    public static JsonObject ToolCalls(string role, string? step, int turn, params (string CallId, string Function, JsonObject Arguments)[] calls)
    {
        var exchange = Exchange(role, step, turn, "");
        exchange["response"]!["toolCalls"] = new JsonArray(calls.Select(c => (JsonNode)new JsonObject { ["id"] = c.CallId, ["name"] = c.Function, ["arguments"] = c.Arguments }).ToArray());
        return exchange;
    }

    public static string Write(params JsonObject[] exchanges)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("agentmesh-cassette-").FullName, "cassette.json");
        File.WriteAllText(path, new JsonObject { ["version"] = 1, ["exchanges"] = new JsonArray(exchanges) }.ToJsonString());
        return path;
    }

    private static JsonObject Exchange(string role, string? step, int turn, string text)
    {
        var exchange = new JsonObject { ["role"] = role, ["turn"] = turn, ["response"] = new JsonObject { ["text"] = text, ["usage"] = new JsonObject { ["inputTokens"] = 10, ["outputTokens"] = 5 } } };
        if (step is not null)
        {
            exchange["step"] = step;
        }

        return exchange;
    }
}
