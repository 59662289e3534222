using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Practice.EventStore;
using Practice.EventStore.Projections;

namespace Practice.ServiceDefaults;

public static class HostingExtensions
{
    /// <summary>What every Practice host shares: settings, the store and its daemon, auth, problems, telemetry, OpenAPI.</summary>
    public static WebApplicationBuilder AddPracticeDefaults(this WebApplicationBuilder builder, string serviceName, Action<StoreOptions> configureStore)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection("Practice").Get<PracticeSettings>() ?? new PracticeSettings();
        EnsureOwnSigningKey(settings.Jwt, builder.Environment);
        builder.Services.AddSingleton(settings);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);

        builder.Services.AddSingleton(services =>
        {
            var options = new StoreOptions { ConnectionString = settings.ConnectionString, Schema = settings.Schema };
            configureStore(options);
            return StreamStore.Create(options, services.GetRequiredService<ILoggerFactory>());
        });
        builder.Services.AddHostedService<StoreHostedService>();

        builder.Services.Configure<JsonOptions>(json => ConfigureJson(json.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddPracticeProblems();
        builder.Services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddPracticeTelemetry(builder.Configuration, serviceName);

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo { Title = serviceName, Version = "v1" });
            swagger.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from `practice token --tenant <id> --role <role>`.",
            });
            swagger.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            swagger.CustomSchemaIds(type => type.FullName?.Replace('+', '.'));
            swagger.ParameterFilter<IsoDate.DescribedAsDate>();
        });
        return builder;
    }

    /// <summary>Strict request JSON: a missing constructor argument or a null where none is allowed is a 400, not a default.</summary>
    public static void ConfigureJson(JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.RespectNullableAnnotations = true;
        json.RespectRequiredConstructorParameters = true;
        json.Converters.Add(new ExactEnumNameConverter(JsonNamingPolicy.KebabCaseLower));
        json.Converters.Add(new ExplicitOffsetConverter());
    }

    public static WebApplication UsePracticeDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        var maxBody = app.Services.GetRequiredService<PracticeSettings>().MaxRequestBodyBytes;
        // Kestrel enforces the limit for streamed bodies; a declared length is refused before reading a byte.
        app.Use((context, next) => context.Request.ContentLength > maxBody
            ? Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The limit is {maxBody} bytes.", code: "body-too-large")
            : next(context));
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            {
                // A streamed body over the limit is stopped by Kestrel while binding; it gets the same answer as a declared one.
                var (title, detail, code) = response.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => ("Request body too large", $"The limit is {maxBody} bytes.", "body-too-large"),
                    // curl -d sends a form content type unless told otherwise.
                    StatusCodes.Status415UnsupportedMediaType => (ReasonPhrases(response.StatusCode), Problems.UnsupportedMediaTypeDetail, "unsupported-media-type"),
                    _ => (ReasonPhrases(response.StatusCode), (string?)null, (string?)null),
                };
                await Problems.WriteAsync(context.HttpContext, response.StatusCode, title, detail, code: code);
            }
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSwagger();
        app.UseSwaggerUI(ui => ui.DocumentTitle = app.Environment.ApplicationName);
        app.MapHealth();
        return app;
    }

    /// <summary>
    /// The development key is in this repository for anyone to read, so a token signed with it could speak for any
    /// tenant and role: a host outside development refuses to start with it, as with a key too short for HMAC-SHA256.
    /// </summary>
    private static void EnsureOwnSigningKey(JwtSettings jwt, IHostEnvironment environment)
    {
        if (jwt.SigningKey == PracticeSettings.DevelopmentSigningKey && !environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Practice__Jwt__SigningKey is the development key, which anyone can read in this repository. Set a key of your own " +
                "(at least 32 bytes), or ASPNETCORE_ENVIRONMENT=Development on a development machine.");
        }
        if (System.Text.Encoding.UTF8.GetByteCount(jwt.SigningKey) < 32)
        {
            throw new InvalidOperationException("Practice__Jwt__SigningKey must be at least 32 bytes.");
        }
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    /// <summary>The probe is anonymous and frequent, so it counts a lagging projection's events only this far.</summary>
    private const int ReadinessLagCountLimit = 10_000;

    private static void MapHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).AllowAnonymous().ExcludeFromDescription();
        // Anyone may probe readiness. A clinic's manager also sees, per projection, how far behind it is and how many
        // of the clinic's own events it gave up on; positions and event counts, which are every tenant's, stay out.
        app.MapGet("/health/ready", async (StreamStore store, PracticeSettings settings, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        {
            try
            {
                var manager = caller.IsInRole(Roles.Manager) ? caller.FindFirst(PracticeClaims.Tenant)?.Value : null;
                var projections = await store.GetProjectionStatusesAsync(ReadinessLagCountLimit, manager ?? "", cancellationToken);
                // A projection being rebuilt (for new code, say) serves its old tables meanwhile; it is not a reason to take
                // every instance out of service, which its lag, shared by all of them, would otherwise do.
                var ready = projections.All(p => p.Rebuilding || p.LagSeconds <= settings.MaxProjectionLagSeconds);
                var status = ready ? "ready" : "lagging";
                object body = manager is not null
                    ? new { status, database = "reachable", projections = projections.Select(p => new { p.Name, p.LagSeconds, p.DeadLetters, p.Rebuilding }) }
                    : new { status, database = "reachable" };
                return ready ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                return Problems.Result(StatusCodes.Status503ServiceUnavailable, "Not ready", "The database is not reachable.");
            }
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Migrates the schema and the access log at start-up (safe with several instances) and runs the projection daemon.</summary>
    private sealed class StoreHostedService(StreamStore store, PracticeSettings settings) : IHostedService
    {
        private ProjectionDaemon? _daemon;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await store.MigrateAsync(cancellationToken);
            await AccessAudit.MigrateAsync(store.DataSource, store.Schema, cancellationToken);
            if (settings.RunDaemon)
            {
                _daemon = store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(500) });
                await _daemon.StartAsync(cancellationToken);
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_daemon is not null)
            {
                await _daemon.StopAsync(cancellationToken);
            }
        }
    }
}
