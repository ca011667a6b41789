using System.Globalization;
using AgentMesh.State;

namespace AgentMesh.Chaos.Host;

/// <summary>
/// The process a State kill test SIGKILLs mid group commit: <c>state-writer --database D --writers N</c>
/// opens a <see cref="SqliteStateStore"/> on D and has N writers write keys <c>w{writer}-{n}</c> (value: the
/// key) as fast as they can, all at once, so their writes share commits. It prints <c>ack KEY</c> on stdout
/// after each write is acknowledged (its task completed), until it is killed.
/// </summary>
internal static class StateWriter
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        using var store = new SqliteStateStore(options.Text("database"));
        var acks = Console.Out;
        await Task.WhenAll(Enumerable.Range(0, options.Number("writers")).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; ; n++)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"w{writer}-{n}");
                await store.SetAsync(key, System.Text.Encoding.UTF8.GetBytes(key)).ConfigureAwait(false);
                lock (acks)
                {
                    acks.WriteLine("ack " + key);
                    acks.Flush();
                }
            }
        }))).ConfigureAwait(false);
        return 0;
    }
}
