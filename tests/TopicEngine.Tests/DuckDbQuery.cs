using DuckDB.NET.Data;

namespace TopicEngine.Tests;

/// <summary>Runs SQL in an in-memory DuckDB: the check that our Parquet files are readable by other tools.</summary>
internal static class DuckDbQuery
{
    /// <summary>Column names and every row of the result.</summary>
    public static (string[] Columns, List<object?[]> Rows) Run(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return (columns, rows);
    }

    /// <summary>The single value of a one-row, one-column result.</summary>
    public static object? Scalar(string sql) => Run(sql).Rows.Single()[0];

    /// <summary>Column names and DuckDB types of a Parquet file, as "name type".</summary>
    public static string[] Schema(string path) =>
        Run($"SELECT column_name || ' ' || column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))")
            .Rows.Select(r => (string)r[0]!).ToArray();
}
