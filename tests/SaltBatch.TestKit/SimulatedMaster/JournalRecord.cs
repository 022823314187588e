using System.Text.Json.Nodes;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// One thing the master saw or did. <see cref="Kind"/> is one of <see cref="JournalKinds"/>; <see cref="Fields"/>
/// holds the kind's fields, the same ones written to <c>journal.jsonl</c> beside <c>kind</c> and <c>time</c>.
/// </summary>
public sealed record JournalRecord(string Kind, DateTimeOffset Time, JsonObject Fields)
{
    public string? Text(string field) => Fields[field]?.GetValue<string>();

    public string ToJsonLine()
    {
        var line = new JsonObject { ["kind"] = Kind, ["time"] = Time.ToString("O") };
        foreach (var field in Fields)
        {
            line[field.Key] = field.Value?.DeepClone();
        }

        return line.ToJsonString();
    }
}
