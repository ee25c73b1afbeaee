using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net.Sockets;
using OllamaSharp;
using OllamaSharp.Models;
using OpenAI;
using OpenAI.Chat;

namespace CursorAspire.TestUpstreams.Tests;

/// <summary>The stand-ins run as a separate process, the way the Aspire end-to-end tests launch them.</summary>
public sealed class StandInExecutableTests
{
    private static string DllPath => typeof(OllamaStandIn).Assembly.Location;

    [Fact]
    public async Task ServeBehavesLikeOllamaServeOnOllamaHost()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var port = FreePort();
        using var process = Start(["serve"], new()
        {
            ["OLLAMA_HOST"] = $"http://127.0.0.1:{port}",
            ["STANDIN_PULL_STEP_MS"] = "1",
            ["STANDIN_MODELS"] = "present",
            ["STANDIN_CONTEXT_LENGTH"] = "4096",
        });
        try
        {
            await WaitForLineAsync(process.StandardError, $"Listening on 127.0.0.1:{port}", deadline.Token);
            var client = new OllamaApiClient(new Uri($"http://127.0.0.1:{port}"));

            var statuses = new List<string?>();
            await foreach (var line in client.PullModelAsync(new PullModelRequest { Model = "llama3.2" }, deadline.Token))
            {
                statuses.Add(line?.Status);
            }

            Assert.Equal("pulling manifest", statuses[0]);
            Assert.Equal("success", statuses[^1]);
            var models = (await client.ListLocalModelsAsync(deadline.Token)).Select(m => m.Name).ToList();
            Assert.Equal(["llama3.2:latest", "present:latest"], models.Order());
            var shown = await client.ShowModelAsync(new ShowModelRequest { Model = "present" }, deadline.Token);
            Assert.Equal("4096", shown.Info.ExtraInfo!["llama.context_length"].ToString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task OpenAICommandServesChatCompletionsOnUrls()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var port = FreePort();
        using var process = Start(["openai", "--urls", $"http://127.0.0.1:{port}"], []);
        try
        {
            await WaitForLineAsync(process.StandardOutput, $"Now listening on: http://127.0.0.1:{port}", deadline.Token);
            var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("k"), new OpenAIClientOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{port}/v1"),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            });

            ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("over the wire")], cancellationToken: deadline.Token);

            Assert.Equal("Echo: over the wire", completion.Content[0].Text);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static Process Start(string[] args, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static async Task WaitForLineAsync(StreamReader output, string expected, CancellationToken cancellationToken)
    {
        var seen = new List<string>();
        while (await output.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            seen.Add(line);
        }

        throw new InvalidOperationException($"The stand-in exited before printing '{expected}'. Output: {string.Join('\n', seen)}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
