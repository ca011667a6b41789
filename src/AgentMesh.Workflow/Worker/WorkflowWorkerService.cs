using AgentMesh.Workflow.Backend;
using AgentMesh.Workflow.Replay;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Workflow.Worker;

/// <summary>
/// The workflow worker: one loop that runs orchestration episodes one at a time, one loop that
/// runs up to <see cref="WorkflowRuntimeOptions.MaxConcurrentActivities"/> activities. Starts and
/// stops with the host; on stop, running activities are canceled and abandoned (they re-run later).
/// Work is dispatched only once the host has started (its server listens), because activities call
/// the mesh's services, which may be served by this same host.
/// </summary>
internal sealed class WorkflowWorkerService : IHostedService, IAsyncDisposable
{
    private readonly ITaskHubBackend _backend;
    private readonly WorkflowRuntimeOptions _options;
    private readonly OrchestrationProcessor _processor;
    private readonly ActivityRunner _activities;
    private readonly ILogger _logger;
    private readonly WorkSignal _orchestrationSignal = new();
    private readonly WorkSignal _activitySignal = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    private readonly IHostApplicationLifetime? _lifetime;

    public WorkflowWorkerService(ITaskHubBackend backend, WorkflowRuntimeOptions options, IServiceProvider services, ILoggerFactory loggerFactory, IHostApplicationLifetime? lifetime)
    {
        _lifetime = lifetime;
        _backend = backend;
        _options = options;
        var registry = new WorkflowRegistry(options);
        _processor = new OrchestrationProcessor(new OrchestrationExecutor(registry, services, loggerFactory), options.TimeProvider);
        _activities = new ActivityRunner(registry, services, options.TimeProvider);
        _logger = loggerFactory.CreateLogger("AgentMesh.Workflow.Worker");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _backend.InitializeAsync(cancellationToken).ConfigureAwait(false);
        _backend.WorkAvailable += OnWorkAvailable;
        _loops.Add(Task.Run(() => AfterHostStartedAsync(OrchestrationLoopAsync, _stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => AfterHostStartedAsync(ActivityLoopAsync, _stopping.Token), CancellationToken.None));
        WorkerLog.Started(_logger, _options.SqliteDatabasePath!, _options.MaxConcurrentActivities);
    }

    /// <summary>True from start until stop while both loops run (none has ended by a fault).</summary>
    public bool IsRunning => _loops.Count == 2 && !_stopping.IsCancellationRequested && _loops.All(l => !l.IsCompleted);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        WorkerLog.Stopping(_logger);
        _backend.WorkAvailable -= OnWorkAvailable;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's stop deadline passed; the loops end on their own.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
            await _stopping.CancelAsync().ConfigureAwait(false);
        _backend.WorkAvailable -= OnWorkAvailable;
    }

    private async Task AfterHostStartedAsync(Func<CancellationToken, Task> loop, CancellationToken stopping)
    {
        if (_lifetime is not null && !_lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            using (stopping.Register(() => started.TrySetResult()))
            {
                await started.Task.ConfigureAwait(false);
            }
        }

        await loop(stopping).ConfigureAwait(false);
    }

    private void OnWorkAvailable()
    {
        _orchestrationSignal.Set();
        _activitySignal.Set();
    }

    private async Task OrchestrationLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var workItem = await _backend.GetOrchestrationWorkItemAsync(stopping).ConfigureAwait(false);
                if (workItem is null)
                {
                    await _orchestrationSignal.WaitAsync(_options.PollingInterval, stopping).ConfigureAwait(false);
                    continue;
                }
                try
                {
                    var episode = _processor.Process(workItem);
                    await _backend.CompleteOrchestrationWorkItemAsync(workItem, episode, CancellationToken.None).ConfigureAwait(false);
                    if (episode.FailureDetails is { } failure)
                        WorkerLog.InstanceFailed(_logger, workItem.InstanceId, failure.ErrorType, failure.ErrorMessage);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    WorkerLog.EpisodeFailed(_logger, workItem.InstanceId, ex);
                    await _backend.AbandonOrchestrationWorkItemAsync(workItem, CancellationToken.None).ConfigureAwait(false);
                    await Task.Delay(_options.PollingInterval, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                WorkerLog.PollFailed(_logger, "orchestrations", ex);
                await DelayQuietly(_options.PollingInterval, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task ActivityLoopAsync(CancellationToken stopping)
    {
        using var slots = new SemaphoreSlim(_options.MaxConcurrentActivities);
        var running = new HashSet<Task>();
        while (!stopping.IsCancellationRequested)
        {
            var slotTaken = false;
            try
            {
                await slots.WaitAsync(stopping).ConfigureAwait(false);
                slotTaken = true;
                var workItem = await _backend.GetActivityWorkItemAsync(stopping).ConfigureAwait(false);
                if (workItem is null)
                {
                    slots.Release();
                    slotTaken = false;
                    await _activitySignal.WaitAsync(_options.PollingInterval, stopping).ConfigureAwait(false);
                    continue;
                }
                var task = RunActivityAsync(workItem, stopping);
                slotTaken = false; // released by the continuation below
                lock (running) running.Add(task);
                _ = task.ContinueWith(t =>
                {
                    lock (running) running.Remove(t);
                    slots.Release();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (slotTaken)
                {
                    slots.Release();
                }

                WorkerLog.PollFailed(_logger, "activities", ex);
                await DelayQuietly(_options.PollingInterval, stopping).ConfigureAwait(false);
            }
        }
        Task[] inFlight;
        lock (running) inFlight = [.. running];
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task RunActivityAsync(ActivityWorkItem workItem, CancellationToken stopping)
    {
        var name = workItem.TaskScheduled.TaskScheduled.Name;
        try
        {
            var result = await _activities.RunAsync(workItem, stopping).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _backend.CompleteActivityWorkItemAsync(workItem, result, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested && attempt < 10 && ex is not InvalidOperationException)
                {
                    WorkerLog.DeliveryFailed(_logger, name, workItem.InstanceId, ex);
                    await Task.Delay(_options.PollingInterval * attempt, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            WorkerLog.ActivityAbandoned(_logger, name, workItem.InstanceId);
            try
            {
                await _backend.AbandonActivityWorkItemAsync(workItem, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The store may already be closed; the next engine releases the lock at start-up.
            }
        }
        catch (Exception ex)
        {
            WorkerLog.DeliveryFailed(_logger, name, workItem.InstanceId, ex);
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
