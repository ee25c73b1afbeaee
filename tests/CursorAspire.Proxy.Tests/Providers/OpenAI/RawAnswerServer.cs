using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>A tiny Kestrel on loopback that answers <c>POST /v1/chat/completions</c> with the given bytes, flushed event by event.</summary>
internal sealed class RawAnswerServer(WebApplication app, Uri baseUri) : IAsyncDisposable
{
    public Uri ApiBaseUri { get; } = new(baseUri, "v1/");

    public Uri ChatUri => new(ApiBaseUri, "chat/completions");

    public static async Task<RawAnswerServer> StartAsync(string body, string contentType = "text/event-stream; charset=utf-8")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async context =>
        {
            context.Response.ContentType = contentType;
            var pieces = body.Split("\n\n");
            for (var i = 0; i < pieces.Length; i++)
            {
                await context.Response.WriteAsync(i < pieces.Length - 1 ? pieces[i] + "\n\n" : pieces[i], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RawAnswerServer(app, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
