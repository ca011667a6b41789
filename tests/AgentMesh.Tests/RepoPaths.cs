namespace AgentMesh.Tests;

/// <summary>Locations in the repository, found by walking up from the test binaries to AgentMesh.sln.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding AgentMesh.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentMesh.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"AgentMesh.sln not found above {AppContext.BaseDirectory}");
    }
}
