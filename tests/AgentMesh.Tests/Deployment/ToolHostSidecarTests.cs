using AgentMesh.Services.ToolHost.Configuration;

namespace AgentMesh.Tests.Deployment;

/// <summary>The ToolHost pod: its mcpServers ConfigMap is a valid config, mounted where it reads it, and names its MCP sidecars.</summary>
public sealed class ToolHostSidecarTests
{
    private static readonly KubernetesService ToolHost = KubernetesManifests.Get("toolhost");

    private static readonly YamlDotNet.RepresentationModel.YamlNode ConfigMap = KubernetesManifests.OfKind("ConfigMap").Single();

    [Fact]
    public void The_mcp_servers_file_is_mounted_where_ToolHost_ConfigPath_points()
    {
        var volume = ToolHost.PodSpec.Items("volumes").Single(v => v.Text("configMap", "name") == ConfigMap.Text("metadata", "name"));
        var mount = ToolHost.AppContainer.Items("volumeMounts").Single(m => m.Text("name") == volume.Text("name"));
        var file = ConfigMap.Scalars("data").Single().Key;
        Assert.Equal($"{mount.Text("mountPath")}/{file}", ToolHost.Settings["ToolHost__ConfigPath"]);
    }

    [Fact]
    public void Every_server_is_reached_over_http_at_a_sidecar_of_the_pod_that_serves_that_port_and_path()
    {
        var servers = LoadConfig().Servers;
        Assert.NotEmpty(servers);
        var sidecars = ToolHost.Containers.Where(c => c.Text("name") != ToolHost.Name).ToList();
        foreach (var server in servers)
        {
            Assert.Equal((McpServerTransportKind.Http, "127.0.0.1"), (server.Transport, server.Url!.Host));
            var sidecar = sidecars.Single(c => c.Items("ports").Any(p => p.Text("containerPort") == server.Url.Port.ToString()));
            var command = sidecar.Items("command").Select(a => ((YamlDotNet.RepresentationModel.YamlScalarNode)a).Value!).ToList();
            Assert.Equal(server.Url.Port.ToString(), command[command.IndexOf("--port") + 1]);
            Assert.Equal(server.Url.AbsolutePath, command[command.IndexOf("--streamableHttpPath") + 1]);
            Assert.Equal("streamableHttp", command[command.IndexOf("--outputTransport") + 1]);
            Assert.Equal(server.Url.Port.ToString(), sidecar.Text("readinessProbe", "httpGet", "port"));
        }

        Assert.Equal(sidecars.Count, servers.Count);
    }

    /// <summary>The ConfigMap's file through the ToolHost's own loader (which rejects a wrong shape or an unknown key).</summary>
    private static McpServersConfig LoadConfig()
    {
        var folder = Directory.CreateTempSubdirectory("agentmesh-mcp-");
        try
        {
            var (name, text) = ConfigMap.Scalars("data").Single();
            var path = Path.Combine(folder.FullName, name);
            File.WriteAllText(path, text.Value);
            return McpServersConfig.Load(path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
