namespace CursorAspire.TestUpstreams;

/// <summary><c>GET /v1/models</c>: OpenAI's model list.</summary>
internal static class OpenAIModelsEndpoint
{
    public static Task HandleAsync(HttpContext context, IEnumerable<string> models, string ownedBy, string? requiredApiKey)
    {
        var exchange = Exchange.Of(context);
        if (requiredApiKey is not null
            && (!exchange.Request.Headers.TryGetValue("Authorization", out var auth) || auth != "Bearer " + requiredApiKey))
        {
            return OpenAIChatCompletionsEndpoint.WriteErrorAsync(exchange, new StandInErrorStatus(401, "Incorrect API key provided."));
        }

        var created = exchange.State.Time.GetUtcNow().ToUnixTimeSeconds();
        return exchange.WriteJsonAsync(200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. models.Select(id => (JsonNode)new JsonObject
            {
                ["id"] = id,
                ["object"] = "model",
                ["created"] = created,
                ["owned_by"] = ownedBy,
            })]),
        });
    }
}
