using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Practice.ServiceDefaults;

namespace Practice.Cli.Commands;

/// <summary>What several commands share: option checks, the API's JSON, and how figures print.</summary>
internal static class CliShared
{
    /// <summary>The Operations API's own JSON rules, so what the CLI sends is read exactly as a client's would be.</summary>
    public static JsonSerializerOptions ApiJson { get; } = CreateApiJson();

    public static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"{option.Name} must be at least 1.");
            }
        });
        return option;
    }

    /// <summary>Nearest-rank percentile of an ascending list.</summary>
    public static double Percentile(List<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Ms(double milliseconds) => milliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateApiJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HostingExtensions.ConfigureJson(options);
        return options;
    }
}
