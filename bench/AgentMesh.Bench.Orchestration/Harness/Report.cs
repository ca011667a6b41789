using System.Globalization;
using System.Text;

namespace AgentMesh.Bench.Orchestration.Harness;

/// <summary>A side's repeated passes at one and at many concurrent runs, and its fsync counts.</summary>
internal sealed record SideResults(SideSpec Side, List<Measurement> One, List<Measurement> Many, double? FsyncsOne, double? FsyncsMany);

/// <summary>The Markdown table of bench/README.md: medians of the repetitions, with their range.</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<SideResults> sides, int many)
    {
        var floor = sides.FirstOrDefault(s => s.Side.Name == "floor");
        var text = new StringBuilder();
        text.AppendLine($"| side | runs/s, 1 at a time | runs/s, {many} at a time | p50 / p95 ms, 1 | p50 / p95 ms, {many} | per tool call over the floor (p50, 1) | CPU ms per run, 1 (by process) | CPU ms per run, {many} | fsyncs per run, 1 / {many} | peak RSS MB |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in sides)
        {
            var overFloor = floor is null || s == floor ? "–" : $"{(Median(s.One, m => m.P50Ms) - Median(floor.One, m => m.P50Ms)) / 12:F1} ms";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Side.Name} | {Spread(s.One, m => m.RunsPerSecond)} | {Spread(s.Many, m => m.RunsPerSecond)} " +
                $"| {Median(s.One, m => m.P50Ms):F0} / {Median(s.One, m => m.P95Ms):F0} | {Median(s.Many, m => m.P50Ms):F0} / {Median(s.Many, m => m.P95Ms):F0} " +
                $"| {overFloor} | {Cpu(s.One)} | {Cpu(s.Many)} | {Fsyncs(s.FsyncsOne)} / {Fsyncs(s.FsyncsMany)} | {Rss(s.One.Concat(s.Many).ToList())} |");
        }
        return text.ToString();
    }

    private static string Spread(List<Measurement> runs, Func<Measurement, double> value)
        => string.Create(CultureInfo.InvariantCulture, $"{Median(runs, value):F1} ({runs.Min(value):F1}–{runs.Max(value):F1})");

    private static string Cpu(List<Measurement> runs)
    {
        var labels = runs.SelectMany(m => m.CpuMsPerRun.Keys).Distinct().Order();
        var parts = labels.Select(l => (Label: l, Ms: Median(runs, m => m.CpuMsPerRun.GetValueOrDefault(l)))).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{parts.Sum(p => p.Ms):F0} ({string.Join(", ", parts.Select(p => $"{p.Label} {p.Ms:F0}"))})");
    }

    private static string Rss(List<Measurement> runs)
        => string.Join(", ", runs.SelectMany(m => m.PeakRssMb.Keys).Distinct().Order()
            .Select(l => string.Create(CultureInfo.InvariantCulture, $"{l} {runs.Max(m => m.PeakRssMb.GetValueOrDefault(l)):F0}")));

    private static string Fsyncs(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "–";

    public static double Median(List<Measurement> runs, Func<Measurement, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
