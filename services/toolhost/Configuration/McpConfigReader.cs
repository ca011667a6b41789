using System.Text.Json;
using AgentMesh.Services.ToolHost.Policy;

namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>Turns the parsed JSON of a config file into <see cref="McpServersConfig"/>, naming the JSON path of every problem.</summary>
internal sealed class McpConfigReader(string filePath, string configDirectory, ConfigVariableExpander expander)
{
    private static readonly HashSet<string> ServerKeys = ["command", "args", "env", "cwd", "url", "headers", "type", "disabled"];

    public McpServersConfig Read(JsonElement root)
    {
        RequireKind(root, "$", JsonValueKind.Object, "an object with \"mcpServers\"");
        if (!root.TryGetProperty("mcpServers", out var servers))
        {
            throw Error("$", "missing \"mcpServers\" (an object of server name → {command,args,env,cwd} or {url,headers})");
        }

        RequireKind(servers, "$.mcpServers", JsonValueKind.Object, "an object of server name → server entry");
        var entries = new List<McpServerEntry>();
        foreach (var property in servers.EnumerateObject())
        {
            entries.Add(ReadServer(property.Name, property.Value, $"$.mcpServers.{property.Name}"));
        }

        var policy = root.TryGetProperty("agentmesh", out var section) ? ReadPolicy(section, "$.agentmesh") : new ToolPolicyOptions();
        return new McpServersConfig { FilePath = filePath, Servers = entries, Policy = policy };
    }

    private McpServerEntry ReadServer(string name, JsonElement entry, string path)
    {
        if (name.Length == 0 || name.Contains('/'))
        {
            throw Error(path, "a server name must be non-empty and must not contain '/'");
        }

        RequireKind(entry, path, JsonValueKind.Object, "an object with \"command\" or \"url\"");
        foreach (var property in entry.EnumerateObject())
        {
            if (!ServerKeys.Contains(property.Name))
            {
                throw Error($"{path}.{property.Name}", $"unknown key; expected one of {string.Join(", ", ServerKeys)}");
            }
        }

        var hasCommand = entry.TryGetProperty("command", out var command);
        var hasUrl = entry.TryGetProperty("url", out var url);
        if (hasCommand == hasUrl)
        {
            throw Error(path, hasCommand ? "has both \"command\" and \"url\"; use one" : "needs \"command\" (stdio server) or \"url\" (HTTP server)");
        }

        var transport = hasCommand ? McpServerTransportKind.Stdio : McpServerTransportKind.Http;
        if (entry.TryGetProperty("type", out var type))
        {
            var declared = ReadString(type, $"{path}.type", expand: false);
            var expected = declared switch
            {
                "stdio" => McpServerTransportKind.Stdio,
                "http" or "streamable-http" or "streamableHttp" => McpServerTransportKind.Http,
                _ => throw Error($"{path}.type", $"unsupported type \"{declared}\"; use stdio, http or streamable-http"),
            };
            if (expected != transport)
            {
                throw Error($"{path}.type", $"type \"{declared}\" does not match the entry, which has \"{(hasCommand ? "command" : "url")}\"");
            }
        }

        var disabled = entry.TryGetProperty("disabled", out var disabledElement) && ReadBool(disabledElement, $"{path}.disabled");
        if (transport == McpServerTransportKind.Http)
        {
            foreach (var stdioKey in new[] { "args", "env", "cwd" })
            {
                if (entry.TryGetProperty(stdioKey, out _))
                {
                    throw Error($"{path}.{stdioKey}", "only valid for stdio servers (with \"command\")");
                }
            }

            var urlText = ReadString(url, $"{path}.url", expand: true);
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw Error($"{path}.url", $"\"{urlText}\" is not an absolute http(s) URL");
            }

            return new McpServerEntry
            {
                Name = name,
                Transport = transport,
                Url = uri,
                Headers = entry.TryGetProperty("headers", out var headers) ? ReadStringMap(headers, $"{path}.headers") : new Dictionary<string, string>(),
                Disabled = disabled,
            };
        }

        if (entry.TryGetProperty("headers", out _))
        {
            throw Error($"{path}.headers", "only valid for HTTP servers (with \"url\")");
        }

        var commandText = ReadString(command, $"{path}.command", expand: true);
        if (string.IsNullOrWhiteSpace(commandText))
        {
            throw Error($"{path}.command", "must not be empty");
        }

        string? workingDirectory = null;
        if (entry.TryGetProperty("cwd", out var cwd))
        {
            workingDirectory = Path.GetFullPath(ReadString(cwd, $"{path}.cwd", expand: true), configDirectory);
        }

        return new McpServerEntry
        {
            Name = name,
            Transport = transport,
            Command = commandText,
            Arguments = entry.TryGetProperty("args", out var args) ? ReadStringList(args, $"{path}.args", expand: true) : [],
            Environment = entry.TryGetProperty("env", out var env) ? ReadStringMap(env, $"{path}.env") : new Dictionary<string, string>(),
            WorkingDirectory = workingDirectory,
            Disabled = disabled,
        };
    }

    private ToolPolicyOptions ReadPolicy(JsonElement section, string path)
    {
        RequireKind(section, path, JsonValueKind.Object, "an object");
        var policy = new ToolPolicyOptions();
        foreach (var property in section.EnumerateObject())
        {
            var propertyPath = $"{path}.{property.Name}";
            policy = property.Name switch
            {
                "toolTimeoutSeconds" => policy with { ToolTimeout = ReadSeconds(property.Value, propertyPath) },
                "connectTimeoutSeconds" => policy with { ConnectTimeout = ReadSeconds(property.Value, propertyPath) },
                "approval" => ReadApproval(policy, property.Value, propertyPath),
                _ => throw Error(propertyPath, "unknown key; expected toolTimeoutSeconds, connectTimeoutSeconds or approval"),
            };
        }

        return policy;
    }

    private ToolPolicyOptions ReadApproval(ToolPolicyOptions policy, JsonElement approval, string path)
    {
        RequireKind(approval, path, JsonValueKind.Object, "an object with \"require\", \"rules\", \"exempt\" and/or \"assumeDestructive\"");
        foreach (var property in approval.EnumerateObject())
        {
            var propertyPath = $"{path}.{property.Name}";
            policy = property.Name switch
            {
                "assumeDestructive" => property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? policy with { AssumeDestructiveWhenUnset = property.Value.GetBoolean() }
                    : throw Error(propertyPath, "must be true or false"),
                "require" => policy with { RequireApproval = ReadPatterns(property.Value, propertyPath) },
                "exempt" => policy with { ExemptFromApproval = ReadPatterns(property.Value, propertyPath) },
                "rules" => policy with { ApprovalRules = ReadRules(property.Value, propertyPath) },
                _ => throw Error(propertyPath, "unknown key; expected require, rules, exempt or assumeDestructive"),
            };
        }

        return policy;
    }

    private List<string> ReadPatterns(JsonElement value, string path)
    {
        var patterns = ReadStringList(value, path, expand: false);
        for (var i = 0; i < patterns.Count; i++)
        {
            RequirePattern(patterns[i], $"{path}[{i}]");
        }

        return patterns;
    }

    /// <summary><c>approval.rules</c>: <c>[{"tool": "server/tool pattern", "when": "CEL condition on args"}]</c>, each condition parsed now.</summary>
    private List<ToolApprovalRule> ReadRules(JsonElement value, string path)
    {
        RequireKind(value, path, JsonValueKind.Array, "an array of {\"tool\": \"server/tool\", \"when\": \"<CEL condition>\"}");
        var rules = new List<ToolApprovalRule>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            rules.Add(ReadRule(item, $"{path}[{index++}]"));
        }

        return rules;
    }

    private ToolApprovalRule ReadRule(JsonElement item, string itemPath)
    {
        RequireKind(item, itemPath, JsonValueKind.Object, "an object with \"tool\" and \"when\"");
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name is not ("tool" or "when"))
            {
                throw Error($"{itemPath}.{property.Name}", "unknown key; expected tool and when");
            }
        }

        if (!item.TryGetProperty("tool", out var tool))
        {
            throw Error(itemPath, "missing \"tool\", the server/tool pattern the rule applies to (e.g. \"refunds/issue_refund\")");
        }

        if (!item.TryGetProperty("when", out var when))
        {
            throw Error(itemPath, "missing \"when\", a CEL condition on the call's arguments (e.g. \"args.amount > 100\")");
        }

        var pattern = ReadString(tool, $"{itemPath}.tool", expand: false);
        RequirePattern(pattern, $"{itemPath}.tool");
        var condition = ReadString(when, $"{itemPath}.when", expand: false);
        try
        {
            return new ToolApprovalRule(pattern, ArgumentCondition.Parse(condition));
        }
        catch (ArgumentConditionException e)
        {
            throw Error($"{itemPath}.when", e.Message);
        }
    }

    private void RequirePattern(string pattern, string path)
    {
        var slash = pattern.IndexOf('/');
        if (slash <= 0 || slash == pattern.Length - 1 || pattern.IndexOf('/', slash + 1) >= 0)
        {
            throw Error(path, $"\"{pattern}\" is not a server/tool pattern (e.g. \"filesystem/write_file\", \"memory/*\")");
        }
    }

    private TimeSpan ReadSeconds(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds) || seconds <= 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            throw Error(path, $"must be a positive number of seconds (at most one day), got {value.GetRawText()}");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private string ReadString(JsonElement value, string path, bool expand)
    {
        RequireKind(value, path, JsonValueKind.String, "a string");
        var text = value.GetString()!;
        if (!expand)
        {
            return text;
        }

        try
        {
            return expander.Expand(text);
        }
        catch (FormatException e)
        {
            throw Error(path, e.Message);
        }
    }

    private bool ReadBool(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(path, $"must be true or false, got {value.GetRawText()}"),
    };

    private List<string> ReadStringList(JsonElement value, string path, bool expand)
    {
        RequireKind(value, path, JsonValueKind.Array, "an array of strings");
        var list = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            list.Add(ReadString(item, $"{path}[{index++}]", expand));
        }

        return list;
    }

    private Dictionary<string, string> ReadStringMap(JsonElement value, string path)
    {
        RequireKind(value, path, JsonValueKind.Object, "an object of string values");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = ReadString(property.Value, $"{path}.{property.Name}", expand: true);
        }

        return map;
    }

    private void RequireKind(JsonElement value, string path, JsonValueKind kind, string expected)
    {
        if (value.ValueKind != kind)
        {
            throw Error(path, $"must be {expected}, got {Describe(value)}");
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {value.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };

    private McpConfigException Error(string path, string problem) => new(filePath, path, problem);
}
