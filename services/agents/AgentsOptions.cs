namespace AgentMesh.Services.Agents;

/// <summary>Settings of the Agents service (configuration section <c>Agents</c>).</summary>
public sealed class AgentsOptions
{
    /// <summary>Folder of the role prompts (<c>&lt;role&gt;.md</c>). Default: the built-in prompts next to the assembly.</summary>
    public string PromptsDirectory { get; set; } = Roles.AgentRoleCatalog.DefaultDirectory;

    /// <summary>Most model turns one step may take. Default 12; must be 1..100.</summary>
    public int MaxIterations { get; set; } = 12;

    /// <summary>
    /// Most characters of one tool result that enter the model's context; the rest is cut, with a marker saying
    /// how much (<see cref="Loop.ToolOutputFence"/>). Default 20,000; must be 100..1,000,000.
    /// </summary>
    public int MaxToolResultChars { get; set; } = 20_000;

    /// <summary>
    /// How many model turns in a row with the same answer (the same tool calls with the same arguments, or the same
    /// text) stop a step as <c>loop_detected</c>. Default 3; must be 2..100.
    /// </summary>
    public int LoopDetectionRepeats { get; set; } = 3;

    /// <summary>
    /// Per role, the tools it may see and call, as <c>server/tool</c> patterns (<c>*</c> within a segment), e.g.
    /// <c>Agents:ToolAllowlists:researcher:0=filesystem/read_*</c>. A role not listed may use every tool; a call to a
    /// tool outside the list is answered as a call to a tool that does not exist. Default: no lists.
    /// </summary>
    public Dictionary<string, List<string>> ToolAllowlists { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Tools that may run at the same time as the other calls of their model turn although they are not read-only,
    /// as <c>server/tool</c> patterns (e.g. <c>Agents:ConcurrentTools:0=search/*</c>). A turn's calls run at once when
    /// every one is read-only or listed here, and none needs an approval. Default: none.
    /// </summary>
    public List<string> ConcurrentTools { get; set; } = [];
}
