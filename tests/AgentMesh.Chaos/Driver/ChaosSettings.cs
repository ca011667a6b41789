namespace AgentMesh.Chaos.Driver;

/// <summary>The size and pace of one chaos run.</summary>
public sealed class ChaosSettings
{
    /// <summary>Workflow instances the driver starts, a fifth of each kind (chain, fan-out, timer, event, parent; each parent starts a child besides). Default 240.</summary>
    public int Workflows { get; set; } = 240;

    /// <summary>How many times the host is SIGKILLed and started again on the same file. Default 5.</summary>
    public int Kills { get; set; } = 5;

    /// <summary>Seed of the plan and of the kill times. Default: a random one (the report prints it).</summary>
    public int Seed { get; set; } = Random.Shared.Next();

    /// <summary>Shortest time a host lives, once ready and answering the driver, before it is killed. Default 0.3 s.</summary>
    public TimeSpan MinUptime { get; set; } = TimeSpan.FromSeconds(0.3);

    /// <summary>Longest time a host lives, once ready and answering the driver, before it is killed. Default 4 s.</summary>
    public TimeSpan MaxUptime { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long the last host gets for every instance to finish, and the driver's calls to get through. Default 90 s.</summary>
    public TimeSpan SettleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Folder for the hub's SQLite file, the journal and the host logs. Default (null): a new temp folder.</summary>
    public string? Directory { get; set; }

    /// <summary>The built host, started as <c>dotnet {HostDll} host …</c>. Default: AgentMesh.Chaos.dll beside the running code.</summary>
    public string HostDll { get; set; } = Path.Combine(AppContext.BaseDirectory, "AgentMesh.Chaos.dll");

    /// <summary>Settings from <c>run</c>'s options (<c>--workflows --kills --seed --min-uptime --max-uptime --settle-timeout --directory</c>).</summary>
    internal static ChaosSettings From(CommandLine options)
    {
        var settings = new ChaosSettings();
        settings.Workflows = options.Number("workflows", settings.Workflows);
        settings.Kills = options.Number("kills", settings.Kills);
        settings.Seed = options.Number("seed", settings.Seed);
        settings.MinUptime = options.Seconds("min-uptime", settings.MinUptime);
        settings.MaxUptime = options.Seconds("max-uptime", settings.MaxUptime);
        settings.SettleTimeout = options.Seconds("settle-timeout", settings.SettleTimeout);
        settings.Directory = options.Has("directory") ? options.Text("directory") : null;
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (Workflows < 5)
            throw new ArgumentException("Workflows must be at least 5 (one of each kind).");
        if (Kills < 0)
            throw new ArgumentException("Kills must not be negative.");
        if (MinUptime <= TimeSpan.Zero || MaxUptime < MinUptime)
            throw new ArgumentException("MinUptime must be positive and MaxUptime at least MinUptime.");
    }
}
