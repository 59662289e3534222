using Practice.Domain.Scheduling;
using Practice.Messaging;
using Practice.Operations.Api;
using Practice.Operations.Api.Audit;
using Practice.Operations.Api.Charting;
using Practice.Operations.Api.Clients;
using Practice.Operations.Api.Clinics;
using Practice.Operations.Api.Outcomes;
using Practice.Operations.Api.Scheduling;
using Practice.Operations.Api.Staff;
using Practice.Operations.Api.Views;
using Practice.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddPracticeDefaults("practice-operations", OperationsStore.Configure);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(_ => new CommandRegistry()
    .AddClinicsHandlers()
    .AddStaffHandlers()
    .AddClientsHandlers()
    .AddSchedulingHandlers(SchedulingPolicy.Default, CancellationPolicy.Default)
    .AddChartingHandlers()
    .AddOutcomesHandlers()
    .AddViewsHandlers());
builder.Services.AddSingleton<CommandBus>();
builder.Services.AddSingleton<IReadOnlyDictionary<string, ScheduledCommandFactory>>(new Dictionary<string, ScheduledCommandFactory>
{
    [NoteDeadlines.MessageType] = NoteDeadlines.CreateCommand,
});
builder.Services.AddSingleton<ScheduledMessageRunner>();
builder.Services.AddHostedService<MessagingHostedService>();

var app = builder.Build();
app.UsePracticeDefaults();
app.UseMiddleware<IdempotencyMiddleware>();
// Inside idempotency, so a replayed answer is not judged against a version that has since moved on.
app.UseMiddleware<IfMatchMiddleware>();

var api = app.MapGroup("/api");
api.MapClinics();
api.MapStaff();
api.MapClients();
api.MapScheduling();
api.MapCharting();
api.MapOutcomes();
api.MapViews();
api.MapAudit();

app.Run();

public partial class Program;
