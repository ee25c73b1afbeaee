namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>Small request bodies and a poster for endpoint tests.</summary>
public static class ChatRequests
{
    public static string Simple(string model = "local", bool stream = true, string text = "hello") =>
        new JsonObject
        {
            ["model"] = model,
            ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        }.ToJsonString();

    /// <summary>A fixture with its model and stream flag replaced.</summary>
    public static string Fixture(string name, string model, bool? stream = null)
    {
        var body = JsonNode.Parse(CursorFixtures.Read(name))!.AsObject();
        body["model"] = model;
        if (stream is { } s)
        {
            body["stream"] = s;
        }
        return body.ToJsonString();
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string json, string path = "v1/chat/completions", CancellationToken cancellationToken = default) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public static async Task<(HttpResponseMessage Response, string Body)> PostReadAsync(HttpClient client, string json, string path = "v1/chat/completions")
    {
        var response = await PostAsync(client, json, path);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asserts an OpenAI error body and returns its <c>error</c> object.</summary>
    public static JsonObject AssertOpenAIError(string body)
    {
        var error = JsonNode.Parse(body)!["error"]!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)error["type"]));
        Assert.True(error.ContainsKey("code"));
        Assert.True(error.ContainsKey("param"));
        Assert.DoesNotContain("   at ", body); // never a stack trace
        return error;
    }
}
