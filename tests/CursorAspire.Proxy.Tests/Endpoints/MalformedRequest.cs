using System.Text.Unicode;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>One generated request: where it goes and the exact bytes sent. Printed in full when a property fails.</summary>
public sealed record MalformedRequest(string Path, byte[] Body, string? ContentType = "application/json")
{
    public static MalformedRequest Json(string path, string body) => new(path, Encoding.UTF8.GetBytes(body));

    public override string ToString() =>
        $"POST /{Path} ({ContentType ?? "no Content-Type"}, {Body.Length} bytes): {Encoding.UTF8.GetString(Body)}" +
        (Utf8.IsValid(Body) ? string.Empty : $"\n(not valid UTF-8; the exact bytes in base64: {Convert.ToBase64String(Body)})");
}
