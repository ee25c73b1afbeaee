using System.Globalization;

namespace CursorAspire.CloudflaredStandIn;

/// <summary>Writes log lines the way cloudflared does: zerolog console format on stderr, UTC timestamps.</summary>
internal static class CloudflaredLog
{
    public static void Info(string message) => Write("INF", message);

    public static void Error(string message) => Write("ERR", message);

    /// <summary>cloudflared frames announcements in an ASCII box, one log line per box row.</summary>
    public static void InfoBox(params string[] rows)
    {
        var width = rows.Max(r => r.Length) + 4;
        var rule = "+" + new string('-', width) + "+";
        Info(rule);
        foreach (var row in rows)
        {
            Info("|  " + row.PadRight(width - 4) + "  |");
        }

        Info(rule);
    }

    private static void Write(string level, string message)
    {
        var timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"{timestamp} {level} {message}");
        Console.Error.Flush();
    }
}
