using System.Globalization;

namespace CursorAspire.LoadHarness;

/// <summary>
/// Command line of the harness: <c>--requests N --concurrency C --provider ollama|openai</c>, plus
/// <c>--chunks</c> (text chunks per reply, default 50), <c>--warmup</c> (requests per path before measuring, default 200)
/// <c>--max-seconds</c> (wall-clock bound of each measured phase, default 300) and <c>--alloc-types</c>.
/// </summary>
public sealed record HarnessOptions
{
    public int Requests { get; init; } = 2000;

    public int Concurrency { get; init; } = 1;

    public UpstreamProvider Provider { get; init; } = UpstreamProvider.Ollama;

    public int Chunks { get; init; } = 50;

    public int Warmup { get; init; } = 200;

    public int MaxSeconds { get; init; } = 300;

    /// <summary>Sample allocations by type (<see cref="AllocationTypeSampler"/>); costs a little, so off by default.</summary>
    public bool AllocationTypes { get; init; }

    public const string Usage =
        "Usage: CursorAspire.LoadHarness --requests N --concurrency C --provider ollama|openai [--chunks 50] [--warmup 200] [--max-seconds 300] [--alloc-types]";

    /// <exception cref="ArgumentException">An unknown flag or a value out of range; the message names it.</exception>
    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag == "--alloc-types")
            {
                options = options with { AllocationTypes = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{flag} needs a value. {Usage}");
            }
            var value = args[++i];
            options = flag switch
            {
                "--requests" => options with { Requests = Positive(flag, value, max: 1_000_000) },
                "--concurrency" => options with { Concurrency = Positive(flag, value, max: 256) },
                "--chunks" => options with { Chunks = Positive(flag, value, max: 10_000) },
                "--warmup" => options with { Warmup = NonNegative(flag, value) },
                "--max-seconds" => options with { MaxSeconds = Positive(flag, value, max: 3600) },
                "--provider" => options with
                {
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
