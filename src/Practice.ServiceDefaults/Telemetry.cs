using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Practice.ServiceDefaults;

/// <summary>
/// OpenTelemetry with the SDK and OTLP exporter. OpenTelemetry.Extensions.Hosting does not restore
/// from our package source, so the providers are built here and disposed with the container.
/// </summary>
public static class Telemetry
{
    public static readonly string[] Sources = ["Practice.EventStore", "Practice.Messaging", "Practice.Webhooks", "Microsoft.AspNetCore", "Npgsql"];
    public static readonly string[] Meters = ["Practice.EventStore", "Practice.Messaging", "Practice.Webhooks", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql"];

    public static IServiceCollection AddPracticeTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        // Without an endpoint there is nowhere to send; the instrumentation stays free (no listener).
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource).AddSource(Sources).AddOtlpExporter().Build());
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource).AddMeter(Meters).AddOtlpExporter().Build());
        services.AddHostedService<TelemetryStarter>();
        return services;
    }

    /// <summary>Resolves the providers at start-up so they listen from the first request.</summary>
    private sealed class TelemetryStarter(TracerProvider tracer, MeterProvider meter) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult((tracer, meter));
        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracer.ForceFlush(2000);
            meter.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
