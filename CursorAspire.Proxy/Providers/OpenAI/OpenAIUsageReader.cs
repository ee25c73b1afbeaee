using static CursorAspire.Proxy.Providers.OpenAI.OpenAIAnswerJson;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// An answer's <c>usage</c> object as M.E.AI 10.11's OpenAI client made it into <see cref="UsageDetails"/>: the three
/// counts, cached input and reasoning tokens from their details objects (0 when the object is there without them), and the
/// audio and prediction counts under M.E.AI's names in <see cref="UsageDetails.AdditionalCounts"/>.
/// </summary>
/// <remarks>
/// DeepSeek reports its cache reads as <c>prompt_cache_hit_tokens</c> and sends no <c>prompt_tokens_details</c>: that
/// count becomes the cached input tokens, as the proxy's OpenAI compatibility client made of the SDK's usage.
/// </remarks>
internal static class OpenAIUsageReader
{
    private const string InputAudio = "InputTokenDetails.AudioTokenCount";
    private const string OutputAudio = "OutputTokenDetails.AudioTokenCount";
    private const string AcceptedPrediction = "OutputTokenDetails.AcceptedPredictionTokenCount";
    private const string RejectedPrediction = "OutputTokenDetails.RejectedPredictionTokenCount";

    /// <summary>Reads the value after <c>"usage"</c>: <c>null</c> for none.</summary>
    public static UsageDetails? Read(ref Utf8JsonReader reader)
    {
        if (!NextIsObject(ref reader, "usage"))
        {
            return null;
        }
        var usage = new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0, AdditionalCounts = [] };
        long? cacheHits = null;
        (long Cached, long Audio)? input = null;
        (long Reasoning, long Audio, long Accepted, long Rejected)? output = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                usage.InputTokenCount = ReadCount(ref reader, "prompt_tokens") ?? 0;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                usage.OutputTokenCount = ReadCount(ref reader, "completion_tokens") ?? 0;
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                usage.TotalTokenCount = ReadCount(ref reader, "total_tokens") ?? 0;
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                input = ReadInputDetails(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                output = ReadOutputDetails(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                cacheHits = ReadCount(ref reader, "prompt_cache_hit_tokens");
            }
            else
            {
                Skip(ref reader);
            }
        }
        // In M.E.AI's order, whatever the order of the fields.
        var counts = usage.AdditionalCounts;
        if (input is { } inputDetails)
        {
            usage.CachedInputTokenCount = inputDetails.Cached;
            counts[InputAudio] = inputDetails.Audio;
        }
        if (output is { } outputDetails)
        {
            usage.ReasoningTokenCount = outputDetails.Reasoning;
            counts[OutputAudio] = outputDetails.Audio;
            counts[AcceptedPrediction] = outputDetails.Accepted;
            counts[RejectedPrediction] = outputDetails.Rejected;
        }
        usage.CachedInputTokenCount ??= cacheHits;
        return usage;
    }

    private static (long Cached, long Audio)? ReadInputDetails(ref Utf8JsonReader reader)
    {
        if (!NextIsObject(ref reader, "prompt_tokens_details"))
        {
            return null;
        }
        long cached = 0, audio = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = ReadCount(ref reader, "cached_tokens") ?? cached;
            }
            else if (reader.ValueTextEquals("audio_tokens"u8))
            {
                audio = ReadCount(ref reader, "audio_tokens") ?? audio;
            }
            else
            {
                Skip(ref reader);
            }
        }
        return (cached, audio);
    }

    private static (long Reasoning, long Audio, long Accepted, long Rejected)? ReadOutputDetails(ref Utf8JsonReader reader)
    {
        if (!NextIsObject(ref reader, "completion_tokens_details"))
        {
            return null;
        }
        long reasoning = 0, audio = 0, accepted = 0, rejected = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("reasoning_tokens"u8))
            {
                reasoning = ReadCount(ref reader, "reasoning_tokens") ?? reasoning;
            }
            else if (reader.ValueTextEquals("audio_tokens"u8))
            {
                audio = ReadCount(ref reader, "audio_tokens") ?? audio;
            }
            else if (reader.ValueTextEquals("accepted_prediction_tokens"u8))
            {
                accepted = ReadCount(ref reader, "accepted_prediction_tokens") ?? accepted;
            }
            else if (reader.ValueTextEquals("rejected_prediction_tokens"u8))
            {
                rejected = ReadCount(ref reader, "rejected_prediction_tokens") ?? rejected;
            }
            else
            {
                Skip(ref reader);
            }
        }
        return (reasoning, audio, accepted, rejected);
    }
}
