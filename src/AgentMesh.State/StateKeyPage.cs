using System.Text;

namespace AgentMesh.State;

/// <summary>One page of <see cref="IStateStore.ListKeysAsync"/>.</summary>
/// <param name="Keys">Keys in ascending ordinal order.</param>
/// <param name="ContinuationToken">Opaque token for the next page, or <c>null</c> when this is the last page.</param>
public sealed record StateKeyPage(IReadOnlyList<string> Keys, string? ContinuationToken);

/// <summary>The continuation tokens of <see cref="StateKeyPage"/> the stores issue: the last key of the page, base64 of its UTF-8.</summary>
internal static class StateKeyPageTokens
{
    /// <summary>The token that continues after <paramref name="lastKey"/>.</summary>
    public static string After(string lastKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey));

    /// <summary>The key a token continues after; null for no token. Throws <see cref="ArgumentException"/> for a token no store issued.</summary>
    public static string? LastKey(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The continuation token was not issued by this store.", nameof(token), e);
        }
    }
}
