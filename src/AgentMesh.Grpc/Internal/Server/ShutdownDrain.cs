using AgentMesh.Grpc.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// Graceful shutdown of the gRPC server. From <see cref="IHostApplicationLifetime.ApplicationStopping"/>
/// on, new calls are refused with UNAVAILABLE while calls in flight get
/// <see cref="GrpcServerOptions.ShutdownDrainTimeout"/> to finish; then <see cref="Expired"/> fires,
/// which cancels the token of every remaining call, and those end with UNAVAILABLE. Kestrel stops
/// meanwhile as it always does (no new connections, GOAWAY on open ones, waiting for the requests in
/// flight), so the host's stop completes once the last call has ended.
/// </summary>
internal sealed class ShutdownDrain : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private readonly CancellationTokenRegistration _stopping;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private volatile bool _draining;

    public ShutdownDrain(IHostApplicationLifetime lifetime, IOptions<GrpcServerOptions> options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _timeout = options.Value.ShutdownDrainTimeout;
        if (_timeout != Timeout.InfiniteTimeSpan && (_timeout < TimeSpan.Zero || _timeout > TimeSpan.FromDays(24)))
        {
            throw new InvalidOperationException(
                $"GrpcServerOptions.ShutdownDrainTimeout is {_timeout}; it must be between zero and 24 days, or Timeout.InfiniteTimeSpan.");
        }

        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger(GrpcServerLog.Category);
        _stopping = lifetime.ApplicationStopping.Register(Begin);
    }

    /// <summary>True from the moment the host began stopping: no new call is accepted.</summary>
    public bool IsDraining => _draining;

    /// <summary>Cancelled when the drain timeout has elapsed; every call's token is linked to it.</summary>
    public CancellationToken Expired => _expired.Token;

    public void Dispose()
    {
        _stopping.Dispose();
        _timer?.Dispose();
        _expired.Dispose();
    }

    private void Begin()
    {
        _draining = true;
        GrpcServerLog.DrainStarted(_logger, _timeout);
        _timer = _time.CreateTimer(_ => Expire(), null, _timeout, Timeout.InfiniteTimeSpan);
    }

    private void Expire()
    {
        try
        {
            _expired.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The host was disposed as the timer fired: no call is left to cancel.
        }
    }
}
