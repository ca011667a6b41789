using AgentMesh.Grpc.Internal.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// Wraps the host's pipeline: a gRPC request (content-type <c>application/grpc*</c>) that no
/// endpoint handled ends with UNIMPLEMENTED as a Trailers-Only response instead of HTTP 404.
/// </summary>
internal sealed class UnimplementedStartupFilter(GrpcServiceRegistry registry) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(nextMiddleware => context =>
        {
            // No async state machine when the rest of the pipeline completed synchronously.
            var handled = nextMiddleware(context);
            if (!handled.IsCompletedSuccessfully)
            {
                return AnswerAfterAsync(handled, context);
            }

            AnswerIfUnhandled(context);
            return Task.CompletedTask;
        });
        next(app);
    };

    private async Task AnswerAfterAsync(Task handled, HttpContext context)
    {
        await handled.ConfigureAwait(false);
        AnswerIfUnhandled(context);
    }

    private void AnswerIfUnhandled(HttpContext context)
    {
        if (context.Response.HasStarted || context.Response.StatusCode != StatusCodes.Status404NotFound
            || context.GetEndpoint() is not null || !GrpcHeaders.IsGrpcContentType(context.Request.ContentType))
        {
            return;
        }

        var path = context.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        var service = slash > 1 ? path[1..slash] : path.TrimStart('/');
        var detail = registry.Contains(service)
            ? $"Method {path} is unimplemented."
            : $"Service {service} is unimplemented.";
        TrailersOnlyResponse.Write(context.Response, new Status(StatusCode.Unimplemented, detail), null);
    }
}
