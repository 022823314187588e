using System.Text;
using SaltBatch.Core.Api;

namespace SaltBatch.Core.Tests.Api;

/// <summary>salt-api's /events stream as a busy master sends it: mostly events nobody following a batch asked for.</summary>
public sealed class ServerSentEventReaderTests
{
    private static bool BatchOnly(string tag) => tag.StartsWith("salt/batch/", StringComparison.Ordinal);

    private static string Record(string tag, string data) =>
        $"tag: {tag}\r\ndata: {{\"tag\": \"{tag}\", \"data\": {data}}}\r\n\r\n";

    private static async Task<List<string>> TagsAsync(string stream, int maxLineChars = ServerSentEventReader.DefaultMaxLineChars)
    {
        var reader = new ServerSentEventReader(new MemoryStream(Encoding.UTF8.GetBytes(stream)), BatchOnly, maxLineChars);
        var tags = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None) is { } masterEvent)
        {
            tags.Add(masterEvent.Tag);
        }

        return tags;
    }

    [Fact]
    public async Task Only_wanted_events_come_out_in_order_the_first_without_a_blank_line_before_it()
    {
        var stream = "retry: 400\n" +
            $"tag: salt/batch/1/progress\ndata: {{\"tag\": \"salt/batch/1/progress\", \"data\": {{\"done\": 1}}}}\n\n" +
            Record("salt/job/20261203/ret/web1", "{\"return\": true}") +
            Record("salt/batch/1/complete", "{}") +
            Record("minion_start", "{\"id\": \"web2\"}");

        Assert.Equal(["salt/batch/1/progress", "salt/batch/1/complete"], await TagsAsync(stream));
    }

    [Fact]
    public async Task A_line_longer_than_the_bound_is_dropped_with_its_record_and_reading_goes_on()
    {
        var stream = Record("salt/batch/1/progress", $"{{\"blob\": \"{new string('x', 5000)}\"}}") + Record("salt/batch/1/halted", "{\"reason\": \"stop\"}");

        Assert.Equal(["salt/batch/1/halted"], await TagsAsync(stream, maxLineChars: 1000));
    }

    [Fact]
    public async Task Thirty_megabytes_of_other_events_are_skipped_without_keeping_them()
    {
        var other = Record("salt/job/20261203000000000000/ret/web1", $"{{\"return\": \"{new string('r', 100_000)}\"}}");
        var stream = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            stream.Append(other);
        }

        stream.Append(Record("salt/batch/1/complete", "{}"));
        var bytes = Encoding.UTF8.GetBytes(stream.ToString());
        var reader = new ServerSentEventReader(new MemoryStream(bytes), BatchOnly);

        // A memory stream completes every read at once, so the whole read runs on this thread and is counted here alone.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var masterEvent = await reader.ReadAsync(CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("salt/batch/1/complete", masterEvent?.Tag);
        Assert.True(allocated < 2_000_000, $"reading past {bytes.Length:N0} bytes of other events allocated {allocated:N0} bytes");
    }
}
