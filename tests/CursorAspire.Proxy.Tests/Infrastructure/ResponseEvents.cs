namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>Splits a Responses API SSE body into its named events.</summary>
public static class ResponseEvents
{
    /// <summary>Parses an SSE body into (event name, data) pairs, checking that each data's type matches its name.</summary>
    public static List<(string Event, JsonElement Data)> Parse(string body)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var name = lines[0]["event: ".Length..];
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement;
            Assert.Equal(name, data.GetProperty("type").GetString());
            events.Add((name, data));
        }
        return events;
    }
}
