using System.Text.Json.Serialization;

namespace AgentMesh.State;

/// <summary>
/// One key-index document: the direct children of one directory of the key space, stored as JSON
/// <c>{"keys":[...],"dirs":[...]}</c> under <see cref="DaprStateStoreOptions.IndexKeyPrefix"/> + the directory.
/// A directory is a key prefix ending in <c>'/'</c> (the root is <c>""</c>); a key belongs to the directory
/// up to its last <c>'/'</c>. Names are relative to the directory, in ascending ordinal order; sub-directory
/// names end in <c>'/'</c>.
/// </summary>
internal sealed class DaprKeyDirectory
{
    /// <summary>Names of the keys directly in the directory.</summary>
    [JsonPropertyName("keys")]
    public string[] Keys { get; init; } = [];

    /// <summary>Names of the sub-directories, each ending in <c>'/'</c>.</summary>
    [JsonPropertyName("dirs")]
    public string[] Directories { get; init; } = [];

    /// <summary>The directory of <paramref name="key"/>: its prefix up to and including the last <c>'/'</c>; <c>""</c> when it has none.</summary>
    public static string DirectoryOf(string key) => key[..(key.LastIndexOf('/') + 1)];

    /// <summary>The parent of the non-root <paramref name="directory"/> (e.g. <c>"a/b/"</c> → <c>"a/"</c>).</summary>
    public static string ParentOf(string directory) => DirectoryOf(directory[..^1]);

    /// <summary>The name of the non-root <paramref name="directory"/> inside its parent (e.g. <c>"a/b/"</c> → <c>"b/"</c>).</summary>
    public static string NameInParent(string directory) => directory[ParentOf(directory).Length..];
}
