using System.Text.RegularExpressions;

namespace AgentMesh.Services.Orchestrator.Api;

/// <summary>
/// The rules for a run's labels (StartRunRequest.labels): at most <see cref="MaxLabels"/>; keys 1-63 letters, digits,
/// <c>-</c>, <c>_</c>, <c>.</c> or <c>/</c>; values at most <see cref="MaxValueLength"/> characters.
/// </summary>
internal static partial class RunLabels
{
    public const int MaxLabels = 32;
    public const int MaxValueLength = 256;

    /// <summary>One (<c>labels</c> field path, why) per problem with <paramref name="labels"/>.</summary>
    public static IEnumerable<(string Field, string Description)> Problems(IDictionary<string, string> labels)
    {
        if (labels.Count > MaxLabels)
        {
            yield return ("labels", $"A run carries at most {MaxLabels} labels, not {labels.Count}.");
        }

        foreach (var (key, value) in labels)
        {
            if (!KeyPattern().IsMatch(key))
            {
                yield return ("labels", $"Label key \"{(key.Length <= 80 ? key : key[..77] + "...")}\" must be 1-63 letters, digits, '-', '_', '.' or '/'.");
            }
            else if (value.Length > MaxValueLength)
            {
                yield return ($"labels[{key}]", $"Label \"{key}\" has a value of {value.Length} characters; at most {MaxValueLength}.");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,63}$")]
    private static partial Regex KeyPattern();
}
