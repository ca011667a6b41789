namespace AgentMesh.Tests;

/// <summary>Locations in the source tree, for tests that run scripts or read files next to the code.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root: the first directory holding AgentMesh.sln, walking up from the test binaries.</summary>
    public static string Root => RootPath.Value;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentMesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AgentMesh.sln above {AppContext.BaseDirectory}.");
    }
}
