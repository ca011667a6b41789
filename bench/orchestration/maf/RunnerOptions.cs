namespace AgentMesh.Bench.Maf;

/// <summary>The runner's command line: <c>--runs N --concurrency C --warmup W --data DIR --workload DIR</c>.</summary>
internal sealed record RunnerOptions(int Runs, int Concurrency, int Warmup, string Data, string Workload)
{
    public static RunnerOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
            values[args[i]] = args[i + 1];
        if (args.Length % 2 != 0 || values.Keys.Except(["--runs", "--concurrency", "--warmup", "--data", "--workload"]).Any())
            throw new ArgumentException("usage: --runs N --concurrency C --warmup W --data DIR --workload DIR");
        string Need(string key) => values.TryGetValue(key, out string? v) ? v : throw new ArgumentException($"missing {key}");
        var opts = new RunnerOptions(int.Parse(Need("--runs")), int.Parse(Need("--concurrency")),
            int.Parse(values.GetValueOrDefault("--warmup", "0")), Path.GetFullPath(Need("--data")), Need("--workload"));
        if (opts.Runs < 0 || opts.Concurrency < 1 || opts.Warmup < 0)
            throw new ArgumentException("--runs and --warmup must be >= 0, --concurrency >= 1");
        return opts;
    }
}
