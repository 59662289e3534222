using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Practice.Projections;

/// <summary>Small pieces every projection and query repeats.</summary>
internal static partial class ProjectionSql
{
    /// <summary>Query classes take the store's schema from the caller; it is spliced into SQL, so only an identifier passes.</summary>
    public static string Table(string schema, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        return IdentifierPattern().IsMatch(schema)
            ? $"{schema}.{name}"
            : throw new ArgumentException($"Schema name '{schema}' must be a lower-case identifier.", nameof(schema));
    }

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter Value<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    public static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { Value = value.HasValue ? value.Value : DBNull.Value, NpgsqlDbType = type };

    public static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    /// <summary>Npgsql writes timestamptz only from UTC offsets; events keep whatever offset their command carried.</summary>
    public static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

    public static DateTimeOffset? Utc(DateTimeOffset? value) => value?.ToUniversalTime();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
