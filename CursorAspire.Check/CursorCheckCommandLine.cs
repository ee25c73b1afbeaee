using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.Check;

/// <summary>
/// <c>cursoraspire-check --url https://…/v1</c> (the .NET tool; or <c>dotnet run --project CursorAspire.Check --</c>):
/// the Cursor check from a terminal, against any CursorAspire (or OpenAI-compatible) URL, without starting the AppHost.
/// The key comes from <see cref="KeyVariable"/>, standard input (<c>--key-stdin</c>) or the AppHost's user secrets, never
/// the command line, where the process list and the shell's history would show it. Exit code 0 when no step failed,
/// 1 when one did, 2 for a wrong command line.
/// </summary>
public static class CursorCheckCommandLine
{
    /// <summary>The verb the command line may start with (<c>check --url …</c>), as the README spelled it when the AppHost ran the check.</summary>
    public const string Verb = "check";

    /// <summary>The environment variable read for the key.</summary>
    public const string KeyVariable = "CURSORASPIRE_API_KEY";

    /// <summary>
    /// The environment variable read for the check secret (the AppHost's <c>Parameters:check-secret</c>): with it the
    /// check proves its requests are the check's, and the proxy counts them apart from the key's budget. Only when the
    /// user gives it; never read from the AppHost's user secrets.
    /// </summary>
    public const string CheckSecretVariable = "CURSORASPIRE_CHECK_SECRET";

    /// <summary>
    /// The AppHost's <c>UserSecretsId</c> (CursorAspire.AppHost.csproj): where its generated <c>proxy-api-key</c> is kept,
    /// the last default for the key on the developer's own machine.
    /// </summary>
    public const string AppHostUserSecretsId = "cursoraspire-apphost";

    /// <summary>The AppHost's key parameter, as its user secrets hold it.</summary>
    public const string AppHostKeySetting = "Parameters:proxy-api-key";

    /// <summary>The AppHost's fixed public URL, as its user secrets may hold it: the default for <c>--url</c>.</summary>
    public const string AppHostPublicBaseUrlSetting = "AppHost:PublicBaseUrl";

    /// <summary>The usage text.</summary>
    public const string Usage =
        """
        Usage: cursoraspire-check [check] --url <base URL> [--key-stdin] [options]
           or: dotnet run --project CursorAspire.Check -- check --url <base URL> [--key-stdin] [options]

        Does what Cursor does with a base URL and key, and says what would fail and how to fix it.
          --url <url>               the base URL as pasted into Cursor's "Override OpenAI Base URL" (e.g. https://….trycloudflare.com/v1);
                                    default: AppHost:PublicBaseUrl
        The key (as pasted into Cursor's "OpenAI API Key") is never an argument: the process list and your shell's history
        would show it. It is $CURSORASPIRE_API_KEY, else the AppHost's own proxy-api-key (user secrets), or:
          --key-stdin               read the key from standard input, e.g. printf %s "$KEY" | cursoraspire-check --url … --key-stdin
        With $CURSORASPIRE_CHECK_SECRET (the AppHost's Parameters:check-secret) the check proves its requests are its own, and
        the proxy counts their tokens apart from the key's daily budget.
          --model <name>            check this model (repeatable); default: what GET …/models lists (at most 5)
          --thinking-model <name>   a thinking alias to check with a request without effort (repeatable)
          --context-tokens <n>      prompt size for the context-window step (default 25000; 0 leaves it out)
          --slow-first-token <s>    report a first token later than this many seconds (default 10)
          --timeout <s>             the longest one request may take (default 120; the context probe: 300)
        Exit code: 0 when no step failed, 1 when one did, 2 for a wrong command line.
        """;

    /// <summary>Whether <paramref name="args"/> start with the verb <c>check</c> (it may be left out).</summary>
    /// <param name="args">The command line.</param>
    /// <returns>Whether the first argument is <see cref="Verb"/>.</returns>
    public static bool IsCheck(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && args[0] == Verb;
    }

    /// <summary>Runs the check for a terminal: the console, Ctrl+C to stop, the AppHost's user secrets for a default key.</summary>
    /// <param name="args">The command line, with or without the leading <see cref="Verb"/>.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var configuration = new ConfigurationBuilder()
            .AddUserSecrets(AppHostUserSecretsId)
            .AddEnvironmentVariables()
            .Build();
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            return await RunAsync(args, http, configuration, Console.In, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cursor check stopped.").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Runs the check with the given client, configuration and writers.</summary>
    /// <param name="args">The command line, with or without the leading <see cref="Verb"/>.</param>
    /// <param name="http">The client the check sends through.</param>
    /// <param name="configuration">
    /// Where defaults come from (<see cref="AppHostPublicBaseUrlSetting"/>, <see cref="AppHostKeySetting"/>,
    /// <see cref="KeyVariable"/>, <see cref="CheckSecretVariable"/>).
    /// </param>
    /// <param name="input">Where <c>--key-stdin</c> reads the key.</param>
    /// <param name="output">Where the steps and the summary go.</param>
    /// <param name="error">Where usage errors go.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, HttpClient http, IConfiguration configuration, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var arguments = args.Skip(IsCheck(args) ? 1 : 0).ToList();
        CursorCheckOptions options;
        try
        {
            if (arguments.Any(a => a is "-h" or "--help" or "-?"))
            {
                await output.WriteLineAsync(Usage).ConfigureAwait(false);
                return 0;
            }

            options = await ParseAsync(arguments, configuration, input).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            await error.WriteLineAsync($"check: {ex.Message}\n\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        await output.WriteLineAsync($"Checking {options.BaseUrl} as Cursor would…").ConfigureAwait(false);
        var report = await new CursorCheck(http, options).RunAsync(
            (result, _) => output.WriteLineAsync("  " + result), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Cursor check: {report.Summary}").ConfigureAwait(false);
        return report.HasFailures ? 1 : 0;
    }

    private static async Task<CursorCheckOptions> ParseAsync(List<string> args, IConfiguration configuration, TextReader input)
    {
        string? url = null, key = null;
        var keyFromInput = false;
        var models = new List<string>();
        var thinking = new List<string>();
        var contextTokens = CursorCheckOptions.CursorPromptTokens;
        TimeSpan slow = CursorCheckOptions.DefaultSlowFirstToken, timeout = CursorCheckOptions.DefaultRequestTimeout, contextTimeout = CursorCheckOptions.DefaultContextProbeTimeout;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--url":
                    url = Value();
                    break;
                case "--key":
                    throw new FormatException(
                        $"--key is not taken: a key on the command line shows in the process list and your shell's history. Set {KeyVariable}, " +
                        "or pipe it in with --key-stdin (e.g. printf %s \"$KEY\" | cursoraspire-check --url … --key-stdin).");
                case "--key-stdin":
                    keyFromInput = true;
                    break;
                case "--model":
                    models.Add(Value());
                    break;
                case "--thinking-model":
                    thinking.Add(Value());
                    break;
                case "--context-tokens":
                    contextTokens = Number(args[i], Value());
                    break;
                case "--slow-first-token":
                    slow = TimeSpan.FromSeconds(Number(args[i], Value()));
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(Math.Max(1, Number(args[i], Value())));
                    contextTimeout = timeout > contextTimeout ? timeout : contextTimeout;
                    break;
                default:
                    throw new FormatException($"unknown argument '{args[i]}'.");
            }
        }

        url ??= configuration[AppHostPublicBaseUrlSetting];
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new FormatException("give the base URL Cursor uses: --url https://…/v1");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new FormatException($"--url '{url}' is not an absolute http(s) URL.");
        }

        if (keyFromInput)
        {
            key = (await input.ReadLineAsync().ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(key))
            {
                throw new FormatException("--key-stdin read no key from standard input.");
            }
        }
        key ??= configuration[KeyVariable] is { Length: > 0 } fromVariable ? fromVariable : configuration[AppHostKeySetting];
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new FormatException($"give the key Cursor uses: set {KeyVariable}, or pipe it in with --key-stdin.");
        }

        return new CursorCheckOptions
        {
            BaseUrl = baseUrl,
            ApiKey = key,
            CheckSecret = configuration[CheckSecretVariable] is { Length: > 0 } secret ? secret : null,
            Models = models,
            ThinkingModels = thinking,
            ContextProbeTokens = contextTokens,
            SlowFirstToken = slow,
            RequestTimeout = timeout,
            ContextProbeTimeout = contextTimeout,
        };
    }

    private static int Number(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new FormatException($"{name} '{value}' is not a whole number ≥ 0.");
}
