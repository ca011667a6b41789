using System.Text.Json;
using AgentMesh.Chaos.Workflows;

namespace AgentMesh.Chaos.Driver;

/// <summary>
/// The instances of a run, drawn from the seed, with the outputs they must reach (computed here from
/// <see cref="StepMath"/>, independently of the workflows). Instances start while hosts 1..kills live;
/// events are raised while any host lives, the last one included. Instance i is of kind i mod 5
/// (chain, fan-out, timer, event, parent); each parent adds its child. Every other event instance is
/// "early": started as soon as its host is ready (hosts taken in turn) and sent its events only by later
/// hosts, so every kill finds at least one instance in flight.
/// </summary>
public static class ChaosPlan
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long an event workflow waits for each event before it gives up (far beyond any run: every event is raised).</summary>
    public const int EventTimeoutSeconds = 600;

    /// <summary>The plan for <paramref name="settings"/>: <see cref="ChaosSettings.Workflows"/> instances the driver starts, and the children their parents start.</summary>
    public static IReadOnlyList<PlannedInstance> Create(ChaosSettings settings)
    {
        var random = new Random(settings.Seed);
        var lastStartGeneration = Math.Max(1, settings.Kills);
        var finalGeneration = settings.Kills + 1;
        var instances = new List<PlannedInstance>(settings.Workflows);
        for (var i = 0; i < settings.Workflows; i++)
        {
            var kind = (ChaosKind)(i % 5);
            var id = $"chaos-{kind.ToString().ToLowerInvariant()}-{i:D5}";
            var generation = 1 + random.Next(lastStartGeneration);
            var offset = Offset(random, settings);
            var work = random.Next(0, 40);
            switch (kind)
            {
                case ChaosKind.Chain: instances.Add(Chain(random, id, generation, offset, work)); break;
                case ChaosKind.FanOut: instances.Add(FanOut(random, id, generation, offset, work)); break;
                case ChaosKind.Timer: instances.Add(Timer(random, id, generation, offset, work)); break;
                case ChaosKind.Event when i / 5 % 2 == 0 && settings.Kills > 0:
                    instances.Add(Event(random, settings, id, 1 + (i / 10 % lastStartGeneration), TimeSpan.Zero, work, finalGeneration, early: true));
                    break;
                case ChaosKind.Event: instances.Add(Event(random, settings, id, generation, offset, work, finalGeneration, early: false)); break;
                default: instances.AddRange(Parent(random, id, generation, offset, work)); break;
            }
        }

        return instances;
    }

    private static PlannedInstance Chain(Random random, string id, int generation, TimeSpan offset, int work)
    {
        var input = new ChainInput(random.Next(3, 7), random.Next(1, 100_000), work);
        var value = input.Seed;
        for (var i = 0; i < input.Steps; i++)
            value = StepMath.Apply(value);
        return new(id, ChaosKind.Chain, nameof(ChaosChainWorkflow), Serialize(input), $"chain:{value}", generation, offset, []);
    }

    private static IEnumerable<PlannedInstance> Parent(Random random, string id, int generation, TimeSpan offset, int work)
    {
        var child = Chain(random, ChaosParentWorkflow.ChildId(id), generation, offset, work) with { Kind = ChaosKind.Child, StartedByParent = true };
        var input = new ParentInput(JsonSerializer.Deserialize<ChainInput>(child.InputJson, Json)!, work);
        var childValue = long.Parse(child.ExpectedOutput.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var expected = $"parent:{child.ExpectedOutput}:{StepMath.Apply(childValue)}";
        return [new(id, ChaosKind.Parent, nameof(ChaosParentWorkflow), Serialize(input), expected, generation, offset, []), child];
    }

    private static PlannedInstance FanOut(Random random, string id, int generation, TimeSpan offset, int work)
    {
        var input = new FanOutInput(random.Next(4, 11), work);
        var sum = Enumerable.Range(1, input.Width).Sum(i => StepMath.Apply(i));
        return new(id, ChaosKind.FanOut, nameof(ChaosFanOutWorkflow), Serialize(input), $"fanout:{sum}", generation, offset, []);
    }

    private static PlannedInstance Timer(Random random, string id, int generation, TimeSpan offset, int work)
    {
        var input = new TimerInput(Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(300, 3000)).ToArray(), work);
        var sum = Enumerable.Range(1, input.DelaysMilliseconds.Length).Sum(i => StepMath.Apply(i));
        return new(id, ChaosKind.Timer, nameof(ChaosTimerWorkflow), Serialize(input), $"timer:{sum}:early=0", generation, offset, []);
    }

    private static PlannedInstance Event(Random random, ChaosSettings settings, string id, int generation, TimeSpan offset, int work, int finalGeneration, bool early)
    {
        var firstEventGeneration = early ? generation + 1 : generation;
        var count = random.Next(1, 4);
        var payloads = Enumerable.Range(0, count).Select(_ => random.Next(1, 1000)).ToArray();
        // Raised in a random order (buffered until awaited), each while some host from the start's on lives.
        var events = payloads
            .Select((payload, i) => new PlannedEvent($"e{i}", payload, random.Next(firstEventGeneration, finalGeneration + 1), Offset(random, settings)))
            .OrderBy(e => e.Generation).ThenBy(e => e.Offset)
            .ToList();
        var expected = $"event:{string.Join(',', payloads)}:{StepMath.Apply(payloads.Sum())}";
        return new(id, ChaosKind.Event, nameof(ChaosEventWorkflow), Serialize(new EventInput(count, EventTimeoutSeconds, work)), expected, generation, offset, events);
    }

    private static TimeSpan Offset(Random random, ChaosSettings settings) => random.NextDouble() * settings.MaxUptime;

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);
}
