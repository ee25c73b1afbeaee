using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP (protobuf) intake on loopback, standing in for the dashboard's: the resources that export telemetry are
/// pointed at it (<see cref="ExportHere"/>) and every span they send is kept, with its service, name and parent.
/// </summary>
/// <remarks>
/// The request is read with Google.Protobuf's wire reader (already here through Aspire.Hosting): no package ships the
/// OTLP message types, and only a few fields are needed (resource attributes, trace id, span id, parent span id, name).
/// </remarks>
internal sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private TaskCompletionSource _received = NewSignal();

    private OtlpTraceReceiver(WebApplication app) => _app = app;

    /// <summary>The intake's base address, e.g. <c>http://127.0.0.1:4318</c>.</summary>
    public string Endpoint => _app.Urls.First();

    /// <summary>Every span received so far, in order of arrival.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpTraceReceiver(app);
        app.MapPost("/v1/traces", receiver.ReceiveTracesAsync);
        // Metrics and logs are accepted and ignored: only traces make the Traces page.
        app.MapPost("/v1/metrics", () => Results.Bytes([], "application/x-protobuf"));
        app.MapPost("/v1/logs", () => Results.Bytes([], "application/x-protobuf"));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Points every resource that exports telemetry (the proxy) at this intake instead of the dashboard's.</summary>
    public void ExportHere(IDistributedApplicationBuilder builder)
    {
        foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>().Where(r => r.Annotations.OfType<OtlpExporterAnnotation>().Any()))
        {
            builder.CreateResourceBuilder(resource)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Endpoint)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        }
    }

    /// <summary>Completes once a span matching <paramref name="match"/> has arrived (checked now and on every export).</summary>
    public async Task WaitForSpanAsync(Func<ReceivedSpan, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var received = Volatile.Read(ref _received).Task;
            if (_spans.Any(match))
            {
                return;
            }

            await received.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveTracesAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        // ExportTraceServiceRequest: 1 resource_spans { 1 resource { 1 attributes }, 2 scope_spans { 2 spans } }.
        foreach (var resourceSpans in Fields(body.ToArray(), 1))
        {
            var service = Fields(resourceSpans, 1).SelectMany(resource => Fields(resource, 1))
                .Select(Attribute).FirstOrDefault(a => a.Key == "service.name").Value ?? "?";
            foreach (var span in Fields(resourceSpans, 2).SelectMany(scope => Fields(scope, 2)))
            {
                _spans.Enqueue(new ReceivedSpan(
                    service,
                    Fields(span, 1).Select(f => f.ToBase64()).FirstOrDefault() ?? "",
                    Fields(span, 5).Select(f => f.ToStringUtf8()).FirstOrDefault() ?? "",
                    Fields(span, 2).Select(f => f.ToBase64()).FirstOrDefault() ?? "",
                    Fields(span, 4).Select(f => f.ToBase64()).FirstOrDefault(f => f.Length > 0)));
            }
        }

        Interlocked.Exchange(ref _received, NewSignal()).TrySetResult();
        return Results.Bytes([], "application/x-protobuf"); // an empty ExportTraceServiceResponse: all accepted
    }

    /// <summary>The length-delimited values of field <paramref name="number"/> in a message.</summary>
    private static List<ByteString> Fields(ByteString message, int number) => Fields(message.ToByteArray(), number);

    private static List<ByteString> Fields(byte[] message, int number)
    {
        var values = new List<ByteString>();
        var input = new CodedInputStream(message);
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                values.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return values;
    }

    /// <summary>A KeyValue (1 key, 2 value { 1 string_value }).</summary>
    private static KeyValuePair<string, string?> Attribute(ByteString keyValue) =>
        new(Fields(keyValue, 1).Select(k => k.ToStringUtf8()).FirstOrDefault() ?? "",
            Fields(keyValue, 2).SelectMany(v => Fields(v, 1)).Select(s => s.ToStringUtf8()).FirstOrDefault());

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A span as received: who sent it, its trace, its name, its id and its parent's (null for a root span).</summary>
internal sealed record ReceivedSpan(string Service, string TraceId, string Name, string SpanId, string? ParentSpanId)
{
    public override string ToString() => $"{Service}: {Name}{(ParentSpanId is null ? " (root)" : "")}";
}
