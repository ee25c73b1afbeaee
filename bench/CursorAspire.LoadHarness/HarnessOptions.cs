using System.Globalization;

namespace CursorAspire.LoadHarness;

/// <summary>
/// Command line of the harness. One provider, one concurrency, direct, proxy and the proxy's upstream call replayed:
/// <c>--requests N --concurrency C --provider ollama|openai</c>, plus <c>--chunks</c> (text chunks per reply, default
/// 50), <c>--warmup</c> (requests per path before measuring, default 200), <c>--max-seconds</c> (wall-clock bound of
/// each measured phase, default 300), <c>--alloc-types</c>, <c>--budget</c> and <c>--non-streamed</c> (Cursor's body
/// with <c>"stream": false</c>, so the non-streamed path is the one measured and broken down). The floor run: <c>--floor</c> (direct, bare hop, proxy
/// for both providers, non-streamed and streamed, at 1 and 32 connections, and resident memory at 200 streams), with
/// <c>--peer</c> (Portkey's gateway too), <c>--peer-cache DIR</c>, <c>--quick</c>, <c>--memory-rounds</c>, <c>--memory-only</c> and
/// <c>--provider</c> to run one.
/// </summary>
public sealed record HarnessOptions
{
    public int Requests { get; init; } = 2000;

    public int Concurrency { get; init; } = 1;

    public UpstreamProvider Provider { get; init; } = UpstreamProvider.Ollama;

    /// <summary>Whether <c>--provider</c> was given (the floor run covers both providers otherwise).</summary>
    public bool ProviderGiven { get; init; }

    public int Chunks { get; init; } = 50;

    public int Warmup { get; init; } = 200;

    public int MaxSeconds { get; init; } = 300;

    /// <summary>Sample allocations by type (<see cref="AllocationTypeSampler"/>); costs a little, so off by default.</summary>
    public bool AllocationTypes { get; init; }

    /// <summary>Send the Cursor body with <c>"stream": false</c> (one provider's run): measures the non-streamed path.</summary>
    public bool NonStreamed { get; init; }

    /// <summary>
    /// The proxy's key is a named key with a daily token budget, counted in a <c>redis-server</c> the harness starts
    /// (<see cref="BudgetStore"/>): what admission and settlement of a budget cost per request.
    /// </summary>
    public bool Budget { get; init; }

    /// <summary>The floor run (<see cref="Floor.FloorRun"/>) instead of one provider's direct-against-proxy run.</summary>
    public bool Floor { get; init; }

    /// <summary>Include the peer gateway (Portkey's, installed with npm into <see cref="PeerCache"/>) in the floor run.</summary>
    public bool Peer { get; init; }

    /// <summary>Where the peer gateway is installed; by default under the user's cache folder.</summary>
    public string? PeerCache { get; init; }

    /// <summary>A short floor run: 300 requests and 100 warm-up per phase (the memory probe is the same as in a full run).</summary>
    public bool Quick { get; init; }

    /// <summary>The floor run's resident-memory probe alone, without the latency cells (to compare GC settings quickly).</summary>
    public bool MemoryOnly { get; init; }

    /// <summary>Rounds of the memory probe's 200 streams (each stream about a second); the peak settles after a few.</summary>
    public int MemoryRounds { get; init; } = 3;

    /// <summary>Internal: serve a bare hop to this upstream as a process of its own (the memory probe starts it).</summary>
    public Uri? ServeHop { get; init; }

    /// <summary>Internal, with <see cref="ServeHop"/>: the port to listen on.</summary>
    public int Port { get; init; }

    public const string Usage =
        "Usage: CursorAspire.LoadHarness --requests N --concurrency C --provider ollama|openai [--chunks 50] [--warmup 200] [--max-seconds 300] [--alloc-types] [--budget] [--non-streamed]\n" +
        "       CursorAspire.LoadHarness --floor [--peer] [--peer-cache DIR] [--quick] [--provider ollama|openai] [--memory-rounds 3] [--memory-only] [--requests N] [--warmup N] [--chunks 50] [--max-seconds 300]";

    /// <exception cref="ArgumentException">An unknown flag, a value out of range or flags that do not go together; the message names it.</exception>
    public static HarnessOptions Parse(string[] args)
    {
        // --quick sets the counts, wherever it stands; --requests and --warmup still override them.
        var options = args.Contains("--quick") ? new HarnessOptions { Quick = true, Requests = 300, Warmup = 100 } : new HarnessOptions();
        var concurrencyGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            switch (flag)
            {
                case "--quick":
                    continue;
                case "--alloc-types":
                    options = options with { AllocationTypes = true };
                    continue;
                case "--budget":
                    options = options with { Budget = true };
                    continue;
                case "--non-streamed":
                    options = options with { NonStreamed = true };
                    continue;
                case "--floor":
                    options = options with { Floor = true };
                    continue;
                case "--peer":
                    options = options with { Peer = true };
                    continue;
                case "--memory-only":
                    options = options with { MemoryOnly = true };
                    continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{flag} needs a value. {Usage}");
            }
            var value = args[++i];
            concurrencyGiven |= flag == "--concurrency";
            options = flag switch
            {
                "--requests" => options with { Requests = Positive(flag, value, max: 1_000_000) },
                "--concurrency" => options with { Concurrency = Positive(flag, value, max: 256) },
                "--chunks" => options with { Chunks = Positive(flag, value, max: 10_000) },
                "--warmup" => options with { Warmup = NonNegative(flag, value) },
                "--max-seconds" => options with { MaxSeconds = Positive(flag, value, max: 3600) },
                "--peer-cache" => options with { PeerCache = value },
                "--memory-rounds" => options with { MemoryRounds = Positive(flag, value, max: 100) },
                "--serve-hop" => options with
                {
                    ServeHop = Uri.TryCreate(value, UriKind.Absolute, out var upstream) ? upstream : throw new ArgumentException($"--serve-hop '{value}' is not an absolute URL."),
                },
                "--port" => options with { Port = Positive(flag, value, max: 65535) },
                "--provider" => options with
                {
                    ProviderGiven = true,
                    Provider = value.ToLowerInvariant() switch
                    {
                        "ollama" => UpstreamProvider.Ollama,
                        "openai" => UpstreamProvider.OpenAI,
                        _ => throw new ArgumentException($"--provider '{value}' is not ollama or openai."),
                    },
                },
                _ => throw new ArgumentException($"Unknown argument '{flag}'. {Usage}"),
            };
        }
        if (options.Floor && (concurrencyGiven || options.AllocationTypes))
        {
            throw new ArgumentException("--floor runs at 1 and 32 connections and reports allocations per request; --concurrency and --alloc-types are for one provider's run.");
        }
        if (options.Floor && (options.Budget || options.NonStreamed))
        {
            throw new ArgumentException("--budget and --non-streamed are for one provider's run, not --floor (it measures both ways).");
        }
        if (!options.Floor && (options.Peer || options.Quick || options.PeerCache is not null || options.MemoryOnly || args.Contains("--memory-rounds")))
        {
            throw new ArgumentException("--peer, --peer-cache, --quick, --memory-rounds and --memory-only go with --floor.");
        }
        return options;
    }

    private static int Positive(string flag, string value, int max)
    {
        var number = NonNegative(flag, value);
        return number is >= 1 && number <= max ? number : throw new ArgumentException($"{flag} must be between 1 and {max}, not {value}.");
    }

    private static int NonNegative(string flag, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new ArgumentException($"{flag} must be a non-negative whole number, not '{value}'.");
}
