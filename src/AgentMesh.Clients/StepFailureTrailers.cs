using System.Globalization;
using AgentMesh.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace AgentMesh.Clients;

/// <summary>
/// Response trailers of a failed RunStep besides <see cref="FailureClasses.Trailer"/>: what the step used
/// (<see cref="Usage"/>, a serialized agentmesh.v1.Usage), and for a budget that ran out its name, limit and the
/// amount used (<see cref="Budget"/>, <see cref="BudgetLimit"/>, <see cref="BudgetUsed"/>; numbers in invariant culture).
/// </summary>
public static class StepFailureTrailers
{
    public const string Usage = "agentmesh-usage-bin";
    public const string Budget = "agentmesh-budget";
    public const string BudgetLimit = "agentmesh-budget-limit";
    public const string BudgetUsed = "agentmesh-budget-used";

    /// <summary>Trailers for a step stopped by budget <paramref name="name"/> (see <see cref="BudgetNames"/>): class logic and the budget's figures.</summary>
    public static Metadata BudgetExceeded(string name, double limit, double used) => new()
    {
        { FailureClasses.Trailer, FailureClasses.Logic },
        { Budget, name },
        { BudgetLimit, limit.ToString("R", CultureInfo.InvariantCulture) },
        { BudgetUsed, used.ToString("R", CultureInfo.InvariantCulture) },
    };

    /// <summary>The budget that stopped the step, or null when the trailers name none.</summary>
    public static BudgetExceeded? ReadBudgetExceeded(Metadata trailers)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        if (trailers.GetValue(Budget) is not { Length: > 0 } name)
        {
            return null;
        }

        return new BudgetExceeded { Budget = name, Limit = ReadNumber(trailers, BudgetLimit), Used = ReadNumber(trailers, BudgetUsed) };
    }

    /// <summary><paramref name="e"/> again with <paramref name="usage"/> added to its trailers.</summary>
    public static RpcException WithUsage(RpcException e, Usage usage)
    {
        ArgumentNullException.ThrowIfNull(e);
        var trailers = new Metadata();
        foreach (var entry in e.Trailers)
        {
            if (entry.Key != Usage)
            {
                trailers.Add(entry);
            }
        }

        trailers.Add(Usage, usage.ToByteArray());
        return new RpcException(e.Status, trailers, e.Message);
    }

    /// <summary>The usage in the trailers, or an empty one.</summary>
    public static Usage ReadUsage(Metadata trailers)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        return trailers.GetValueBytes(Usage) is { } bytes ? Contracts.V1.Usage.Parser.ParseFrom(bytes) : new Usage();
    }

    private static double ReadNumber(Metadata trailers, string key)
        => double.TryParse(trailers.GetValue(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
