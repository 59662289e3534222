using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Practice.Messaging;

/// <summary>Creates the pipeline's tables at start-up, runs due scheduled messages every <see cref="Interval"/> and forgets expired Idempotency-Keys.</summary>
public sealed class MessagingHostedService(CommandBus bus, ScheduledMessageRunner runner, ILogger<MessagingHostedService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>How often expired Idempotency-Keys are forgotten.</summary>
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await MessagingSchema.MigrateAsync(bus.Store.DataSource, bus.Store.Schema, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var purgedAt = DateTimeOffset.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await runner.RunDueAsync(stoppingToken);
                if (DateTimeOffset.UtcNow - purgedAt > PurgeInterval)
                {
                    int purged;
                    do
                    {
                        purged = await IdempotencyMiddleware.PurgeExpiredAsync(bus.Store, stoppingToken);
                    }
                    while (purged == IdempotencyMiddleware.PurgeBatch);
                    purgedAt = DateTimeOffset.UtcNow;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            // The runner keeps a failing message to itself; what reaches here is the database being away. The host
            // stays up either way and tries again on the next tick.
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Scheduled messages could not run; trying again in {Interval}.", Interval);
            }
        }
    }
}
