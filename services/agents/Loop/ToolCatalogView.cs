using System.Text;
using System.Text.Json;
using AgentMesh.Contracts.V1;
using Microsoft.Extensions.AI;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// The ToolHost's tools as the model sees them: one function per tool named <c>server__tool</c>
/// (characters outside <c>[A-Za-z0-9_-]</c> become <c>_</c>), with the tool's input schema.
/// </summary>
public sealed class ToolCatalogView
{
    private readonly Dictionary<string, Tool> _byFunctionName = new(StringComparer.Ordinal);

    public ToolCatalogView(IEnumerable<Tool> tools)
    {
        foreach (var tool in tools)
        {
            var name = FunctionName(tool.Server, tool.Name);
            _byFunctionName[name] = tool;
            Functions.Add(AIFunctionFactory.CreateDeclaration(name, tool.Description, ParseSchema(tool.InputSchemaJson)));
        }
    }

    /// <summary>Declarations to pass in <see cref="ChatOptions.Tools"/>.</summary>
    public List<AITool> Functions { get; } = [];

    /// <summary>The tool behind a function name the model used, or null when there is none.</summary>
    public Tool? Find(string functionName) => _byFunctionName.GetValueOrDefault(functionName);

    /// <summary>The function name of <paramref name="tool"/> on <paramref name="server"/>.</summary>
    public static string FunctionName(string server, string tool)
    {
        var builder = new StringBuilder(server.Length + tool.Length + 2);
        foreach (var c in $"{server}__{tool}")
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return builder.ToString();
    }

    private static JsonElement ParseSchema(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            json = """{"type":"object"}""";
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
