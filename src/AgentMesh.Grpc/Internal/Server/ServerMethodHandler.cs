using AgentMesh.Grpc.Internal.Wire;
using AgentMesh.Grpc.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>The endpoint of one method: validates the request, runs the handler, ends the call.</summary>
internal abstract class ServerMethodHandler
{
    protected ServerMethodHandler(string path) => Path = path;

    /// <summary>The HTTP/2 path, e.g. <c>/agentmesh.v1.Orchestrator/StartRun</c>.</summary>
    public string Path { get; }

    /// <summary>The server's graceful shutdown; set by <c>MapGrpcService</c> before the endpoint is mapped.</summary>
    public ShutdownDrain Drain { get; set; } = null!;

    public abstract Task HandleAsync(HttpContext http);
}

/// <summary>
/// A method endpoint served by <typeparamref name="TService"/>. The logger, the options and how to
/// get the service instance (see <see cref="ServiceActivation{TService}"/>) are resolved on the
/// first call and reused by every later one.
/// </summary>
internal sealed class ServerMethodHandler<TService>(string path, Func<TService, ServerCall, Task> body)
    : ServerMethodHandler(path)
    where TService : class
{
    private Bound? _bound;

    public override Task HandleAsync(HttpContext http)
    {
        var bound = _bound ??= Bound.Resolve(http.RequestServices);
        if (Reject(http, bound.Logger))
        {
            return Task.CompletedTask;
        }

        if (Drain.IsDraining)
        {
            GrpcServerLog.RefusedWhileDraining(bound.Logger, Path);
            TrailersOnlyResponse.Write(http.Response, new Status(StatusCode.Unavailable, "The server is shutting down."), null);
            return Task.CompletedTask;
        }

        ServerCall.RelaxBodyLimits(http);
        var call = new ServerCall(http, Path, bound.Options, bound.Logger, Drain.Expired, bound.ActiveCalls);
        http.Response.ContentType = GrpcHeaders.ContentType;
        TService? created = null;
        Task running;
        try
        {
            running = body(bound.Activation.Get(http, out created), call);
        }
        catch (Exception exception)
        {
            running = Task.FromException(exception);
        }

        // A handler that completed synchronously (typical for unary calls) ends without an async frame.
        if (created is null && running.IsCompletedSuccessfully)
        {
            call.End(Status.Ok);
            call.Dispose();
            return Task.CompletedTask;
        }

        return FinishAsync(call, running, created);
    }

    private static async Task FinishAsync(ServerCall call, Task running, TService? created)
    {
        using (call)
        {
            try
            {
                await running.ConfigureAwait(false);
                call.End(Status.Ok);
            }
            catch (Exception exception)
            {
                call.Fail(exception);
            }
            finally
            {
                switch (created)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
        }
    }

    /// <summary>Answers requests that are not gRPC over HTTP/2: 415 for another content-type, 426 for HTTP/1.x, UNIMPLEMENTED for an unknown encoding.</summary>
    private bool Reject(HttpContext http, ILogger logger)
    {
        var request = http.Request;
        if (!GrpcHeaders.IsGrpcContentType(request.ContentType))
        {
            return RejectWith(http, logger, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{request.ContentType}' is not supported; gRPC requests use application/grpc.");
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            http.Response.Headers.Upgrade = "h2c";
            return RejectWith(http, logger, StatusCodes.Status426UpgradeRequired,
                $"Request protocol '{request.Protocol}' is not supported; gRPC requires HTTP/2.");
        }

        var encoding = request.Headers.GrpcEncoding.ToString();
        if (encoding.Length > 0 && !MessageCompression.IsSupported(encoding))
        {
            http.Response.Headers[GrpcHeaders.AcceptEncoding] = GrpcHeaders.SupportedEncodings;
            var detail = $"Message encoding '{encoding}' is not supported; supported: {GrpcHeaders.SupportedEncodings}.";
            GrpcServerLog.RequestRejected(logger, Path, detail);
            TrailersOnlyResponse.Write(http.Response, new Status(StatusCode.Unimplemented, detail), null);
            return true;
        }

        return false;
    }

    private bool RejectWith(HttpContext http, ILogger logger, int httpStatus, string detail)
    {
        GrpcServerLog.RequestRejected(logger, Path, detail);
        http.Response.StatusCode = httpStatus;
        TrailersOnlyResponse.WriteStatus(http.Response.Headers, new Status(StatusCode.Internal, detail), null);
        return true;
    }

    /// <summary>What every call of the endpoint shares, resolved from the first call's request services (all singletons).</summary>
    private sealed record Bound(ILogger Logger, GrpcServerOptions Options, ServiceActivation<TService> Activation, ActiveCallCounter ActiveCalls)
    {
        public static Bound Resolve(IServiceProvider services) => new(
            services.GetRequiredService<ILoggerFactory>().CreateLogger(GrpcServerLog.Category),
            services.GetRequiredService<IOptions<GrpcServerOptions>>().Value,
            ServiceActivation<TService>.Create(services),
            services.GetRequiredService<ActiveCallCounter>());
    }
}
