using Practice.Projections;
using Practice.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddPracticeDefaults("practice-analytics", options => PracticeEventTypes.Register(options.Events));

var app = builder.Build();
app.UsePracticeDefaults();
app.Run();

public partial class Program;
