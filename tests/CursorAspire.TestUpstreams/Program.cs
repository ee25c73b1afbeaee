using CursorAspire.TestUpstreams;

// Executable mode, used by the Aspire end-to-end tests:
//   serve                          behaves like `ollama serve` (OLLAMA_HOST, STANDIN_* variables)
//   openai --urls http://H:PORT    serves the OpenAI stand-in (STANDIN_MODELS, STANDIN_API_KEY)
try
{
    switch (args.FirstOrDefault())
    {
        case "serve":
            {
                var options = OllamaStandInOptions.FromEnvironment();
                options.AccessLog = Console.Out;
                await using var ollama = await OllamaStandIn.StartAsync(options);
                // Ollama's own start-up line, which readiness checks and people look for.
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"time={DateTimeOffset.Now:yyyy-MM-ddTHH:mm:ss.fffzzz} level=INFO source=routes.go:1 msg=\"Listening on {options.Endpoint.Address}:{ollama.BaseUri.Port} (version {options.Version})\""));
                await ollama.WaitForShutdownAsync();
                return 0;
            }

        case "openai":
            {
                var options = new OpenAIStandInOptions
                {
                    Endpoint = ParseUrls(args, Environment.GetEnvironmentVariable("ASPNETCORE_URLS")),
                    ApiKey = Environment.GetEnvironmentVariable("STANDIN_API_KEY") is { Length: > 0 } key ? key : null,
                    AccessLog = Console.Out,
                };
                if (Environment.GetEnvironmentVariable("STANDIN_MODELS") is { Length: > 0 } models)
                {
                    options.Models = models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                }

                await using var openai = await OpenAIStandIn.StartAsync(options);
                Console.WriteLine($"Now listening on: {openai.BaseUri.ToString().TrimEnd('/')}");
                await openai.WaitForShutdownAsync();
                return 0;
            }

        default:
            Console.Error.WriteLine("usage: CursorAspire.TestUpstreams serve | openai --urls http://127.0.0.1:PORT");
            return 2;
    }
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

static IPEndPoint ParseUrls(string[] args, string? fallback)
{
    var index = Array.IndexOf(args, "--urls");
    var value = index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    if (string.IsNullOrWhiteSpace(value))
    {
        throw new FormatException("openai needs --urls http://127.0.0.1:PORT (or ASPNETCORE_URLS).");
    }

    var first = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
    if (!Uri.TryCreate(first.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
    {
        throw new FormatException($"--urls '{value}' is not a URL.");
    }

    var address = uri.Host is "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip
        : throw new FormatException($"--urls '{value}': '{uri.Host}' is not an IP address or 'localhost'.");
    return new IPEndPoint(address, uri.Port);
}
