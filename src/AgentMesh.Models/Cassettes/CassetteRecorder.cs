using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>Appends exchanges to one cassette file (shared by all recording clients of that file).</summary>
internal sealed class CassetteRecorder
{
    private readonly CassetteDocument _document;
    private readonly IReadOnlyDictionary<string, string> _variables;
    private readonly Lock _lock = new();

    /// <summary>Continues an existing cassette at <paramref name="path"/>, or starts a new one.</summary>
    public CassetteRecorder(string path, IReadOnlyDictionary<string, string>? variables)
    {
        Path = path;
        _document = File.Exists(path) ? CassetteFile.Load(path) : new CassetteDocument();
        _variables = variables ?? new Dictionary<string, string>();
    }

    public string Path { get; }

    public void Append(string role, string? stepId, int turn, ChatResponse response)
    {
        var toolCalls = response.Messages
            .SelectMany(m => m.Contents.OfType<FunctionCallContent>())
            .Select(call => new CassetteToolCall
            {
                Id = call.CallId,
                Name = call.Name,
                Arguments = CassetteVariables.Abstract(
                    JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions),
                    _variables) as JsonObject,
            })
            .ToList();
        var exchange = new CassetteExchange
        {
            Role = role,
            Step = stepId,
            Turn = turn,
            Response = new CassetteResponse
            {
                Text = response.Text,
                ToolCalls = toolCalls.Count == 0 ? null : toolCalls,
                Usage = response.Usage is { } usage ? new CassetteUsage { InputTokens = usage.InputTokenCount, OutputTokens = usage.OutputTokenCount, CachedInputTokens = usage.CachedInputTokenCount } : null,
                Model = response.ModelId,
            },
        };
        lock (_lock)
        {
            _document.Exchanges.Add(exchange);
            CassetteFile.Save(Path, _document);
        }
    }
}
