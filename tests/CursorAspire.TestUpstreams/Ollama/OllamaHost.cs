namespace CursorAspire.TestUpstreams;

/// <summary>Reads <c>OLLAMA_HOST</c> the way <c>ollama serve</c> does.</summary>
public static class OllamaHost
{
    /// <summary>Ollama's default port.</summary>
    public const int DefaultPort = 11434;

    /// <summary>
    /// Parses <c>127.0.0.1:11434</c>, <c>http://127.0.0.1:11434</c>, <c>0.0.0.0:PORT</c>, <c>[::1]:PORT</c>, <c>:PORT</c>,
    /// <c>localhost</c> or a bare IP; empty means <c>127.0.0.1:11434</c>.
    /// </summary>
    /// <exception cref="FormatException">The value is not an IP address or <c>localhost</c> with an optional port.</exception>
    public static IPEndPoint Parse(string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        text = text.TrimEnd('/');
        if (text.Length == 0)
        {
            return new IPEndPoint(IPAddress.Loopback, DefaultPort);
        }

        string host;
        var port = DefaultPort;
        var portSeparator = text.StartsWith('[') ? text.IndexOf("]:", StringComparison.Ordinal) + 1 : text.LastIndexOf(':');
        if (portSeparator > 0 || (portSeparator == 0 && !text.StartsWith('[')))
        {
            host = text[..portSeparator];
            var portText = text[(portSeparator + 1)..];
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                throw new FormatException($"OLLAMA_HOST='{value}': '{portText}' is not a port.");
            }
        }
        else
        {
            host = text;
        }

        host = host.Trim('[', ']');
        if (host.Length == 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : throw new FormatException($"OLLAMA_HOST='{value}': '{host}' is not an IP address or 'localhost'.");
    }
}
