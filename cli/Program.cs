using System.CommandLine;
using AgentMesh.Cli.Commands;
using Grpc.Core;

var root = new RootCommand("AgentMesh: agentic AI workflows as gRPC microservices.")
{
    RunCommand.Create(),
    UpCommand.Create(),
    WatchCommand.Create(),
    ApproveCommand.Create(),
    RunsCommand.Create(),
};

try
{
    var parsed = root.Parse(args);
    var exitCode = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    return parsed.Errors.Count > 0 ? 2 : exitCode;
}
catch (RpcException e)
{
    Console.Error.WriteLine($"error: {e.StatusCode}: {e.Status.Detail}");
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or InvalidDataException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
