using System.Diagnostics;
using Npgsql;
using Practice.Domain.Clients;
using Practice.Projections;
using Practice.Testing;

namespace Practice.Cli.Tests;

/// <summary>The `practice` tool run as a user runs it, as a process against the test database.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly string _schema = TestDatabase.NewSchemaName("cli");

    public Task InitializeAsync() => TestDatabase.EnsureReachableAsync();

    public Task DisposeAsync() => TestDatabase.DropSchemaAsync(_schema);

    /// <summary>The tool as built beside this test assembly: src/Practice.Cli/bin/{configuration}/{framework}/practice.dll.</summary>
    private static string ToolPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "src", "Practice.Cli", "bin", configuration, framework, "practice.dll");
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string? connection, params string[] arguments) =>
        RunWithEnvironmentAsync(new Dictionary<string, string> { ["Practice__ConnectionString"] = connection ?? TestDatabase.ConnectionString }, arguments);

    private async Task<(int ExitCode, string Output, string Error)> RunWithEnvironmentAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("Practice__ConnectionString");
        start.Environment["Practice__Schema"] = _schema;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static string WithPassword(string password) =>
        new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Password = password }.ConnectionString;

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=practice;Password=practice;Database=practice", "practice: cannot reach PostgreSQL")]
    [InlineData("not a connection string", "practice: the connection string is not valid")]
    public async Task A_database_it_cannot_use_is_one_clear_line_and_exit_code_1(string connection, string expected)
    {
        var (exitCode, _, error) = await RunAsync(connection, "migrate");

        Assert.Equal(1, exitCode);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_setting_in_another_case_is_read_as_the_apis_read_it()
    {
        var (exitCode, _, error) = await RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["PRACTICE__CONNECTIONSTRING"] = "Host=127.0.0.1;Port=1;Username=practice;Password=practice;Database=practice" }, "status");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("practice: cannot reach PostgreSQL", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--hours", "token", "--hours", "0")]
    [InlineData("--therapist-id", "token", "--role", "therapist")]
    [InlineData("--url", "seed", "--url", "localhost:5080")]
    public async Task Arguments_that_cannot_work_are_a_usage_error_saying_why(string named, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(null, arguments);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_names_its_person_so_the_access_log_and_idempotency_keys_tell_people_apart()
    {
        var therapistId = Guid.NewGuid();

        var therapist = await TokenClaimsAsync("token", "--tenant", "clinic-a", "--role", "therapist", "--therapist-id", therapistId.ToString());
        var desk = await TokenClaimsAsync("token", "--tenant", "clinic-a", "--role", "front-desk", "--subject", "alex@clinic-a");
        var shared = await TokenClaimsAsync("token", "--tenant", "clinic-a", "--role", "front-desk");

        Assert.Equal($"therapist:{therapistId}@clinic-a", therapist.GetProperty("sub").GetString());
        Assert.Equal("alex@clinic-a", desk.GetProperty("sub").GetString());
        Assert.Equal("front-desk", desk.GetProperty("role").GetString());
        Assert.Equal("front-desk@clinic-a", shared.GetProperty("sub").GetString());
        Assert.Equal(2, (await RunAsync(null, "token", "--subject", " ")).ExitCode);
        var ehr = await TokenClaimsAsync("token", "--role", "integration", "--scope", "feed:clinical");
        Assert.Equal("feed:clinical", ehr.GetProperty("scope").GetString());
        Assert.False(desk.TryGetProperty("scope", out _));
    }

    private async Task<System.Text.Json.JsonElement> TokenClaimsAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(null, arguments);
        Assert.True(exitCode == 0, error);
        var payload = output.Trim().Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='));
        return System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_error_and_the_way_to_apply_them_again()
    {
        Assert.Equal(0, (await RunAsync(null, "migrate")).ExitCode);
        Assert.Equal("No dead letters.", (await RunAsync(null, "dead-letters")).Output.Trim());
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using (var letter = new NpgsqlCommand($"""
            INSERT INTO {_schema}.dead_letters (projection, event_seq, event_id, tenant_id, event_type, error, attempts)
            VALUES ('client_timeline', 41, gen_random_uuid(), 'tenant-cli', 'client-registered', 'InvalidOperationException: the summary did not format' || chr(10) || '   at a stack frame', 5)
            """, connection))
        {
            await letter.ExecuteNonQueryAsync();
        }

        var (exitCode, output, error) = await RunAsync(null, "dead-letters", "--projection", "client_timeline");

        Assert.True(exitCode == 0, error);
        Assert.Contains("the summary did not format", output, StringComparison.Ordinal);
        Assert.DoesNotContain("stack frame", output, StringComparison.Ordinal);
        Assert.Contains("client-registered", output, StringComparison.Ordinal);
        Assert.Contains("practice rebuild", output, StringComparison.Ordinal);
        Assert.Equal("No dead letters.", (await RunAsync(null, "dead-letters", "--projection", "day_schedule")).Output.Trim());
        Assert.Equal(2, (await RunAsync(null, "dead-letters", "--projection", "no_such_view")).ExitCode);
    }

    [Fact]
    public async Task Status_of_a_schema_made_by_older_apis_shows_the_projections_and_says_the_count_comes_with_migrate()
    {
        Assert.Equal(0, (await RunAsync(null, "migrate")).ExitCode);
        await using (var connection = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await connection.OpenAsync();
            await using var older = new NpgsqlCommand($"ALTER TABLE {_schema}.scheduled_messages DROP COLUMN given_up_at", connection);
            await older.ExecuteNonQueryAsync();
        }

        var (exitCode, output, error) = await RunAsync(null, "status");

        Assert.True(exitCode == 0, error);
        Assert.Contains("client_timeline", output, StringComparison.Ordinal);
        Assert.Contains("practice migrate adds the count", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_database_never_migrated_says_to_migrate()
    {
        var (exitCode, _, error) = await RunAsync(null, "status");

        Assert.Equal(1, exitCode);
        Assert.EndsWith("run practice migrate first.", error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_named_as_refused()
    {
        var (exitCode, _, error) = await RunAsync(WithPassword("wrong"), "migrate");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("practice: PostgreSQL refused the connection: password authentication failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_names_the_projections_it_knows_when_given_another()
    {
        var (exitCode, _, error) = await RunAsync(null, "rebuild", "no_such_view");

        Assert.Equal(2, exitCode);
        Assert.Contains("No projection 'no_such_view'. Known: client_timeline", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_replays_the_events_a_projection_has_not_taken_and_status_shows_its_lag_before_and_after()
    {
        Assert.Equal(0, (await RunAsync(null, "migrate")).ExitCode);
        await using (var store = await TestDatabase.CreateStoreAsync(_schema, options => PracticeEventTypes.Register(options.Events)))
        await using (var session = store.OpenSession("tenant-cli"))
        {
            for (var i = 0; i < 3; i++)
            {
                var clientId = Guid.NewGuid();
                session.StartStream(Client.StreamId(clientId), Client.StreamType,
                    new ClientRegistered(clientId, $"Client {i}", new DateOnly(1990, 1, 1), new Contact(null, null), DateTimeOffset.UnixEpoch));
                await session.SaveChangesAsync();
            }
        }

        var status = (await RunAsync(null, "status")).Output;
        Assert.Matches(@"client_timeline\s*│\s*\S+\s*│\s*3\s*│", status);
        Assert.Contains("Scheduled commands given up after 5 failures: 0", status, StringComparison.Ordinal);

        var (exitCode, _, error) = await RunAsync(null, "rebuild", "client_timeline");

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"client_timeline\s*│\s*\S+\s*│\s*0\s*│", (await RunAsync(null, "status")).Output);
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {_schema}.client_timeline WHERE tenant_id = 'tenant-cli'", connection);
        Assert.Equal(3L, await count.ExecuteScalarAsync());
    }
}
