using System.Security.Cryptography;

namespace CursorAspire.TestUpstreams;

/// <summary>A model present in an <see cref="OllamaStandIn"/>, with sizes and digests derived from its name.</summary>
/// <param name="Name">The full name, always with a tag, e.g. <c>llama3.2:latest</c>.</param>
/// <param name="ContextLength">Reported as <c>llama.context_length</c> by <c>/api/show</c>.</param>
/// <param name="ModifiedAt">When it was added or pulled.</param>
/// <param name="Info">Its make-up (<c>/api/show</c>, and its memory once loaded); the default 8B Llama when null.</param>
public sealed record OllamaModel(string Name, int ContextLength, DateTimeOffset ModifiedAt, OllamaModelInfo? Info = null)
{
    /// <summary>Its make-up: <see cref="Info"/>, else the default.</summary>
    public OllamaModelInfo Details { get; } = Info ?? new OllamaModelInfo();

    /// <summary>The manifest digest (64 hex digits, no prefix), stable for a name.</summary>
    public string Digest => Hex("manifest:" + Name);

    /// <summary>The model blob's digest (64 hex digits, no prefix), stable for a name.</summary>
    public string BlobDigest => Hex("blob:" + Name);

    /// <summary>The model blob's size in bytes: <see cref="OllamaModelInfo.FileSize"/>, else between 1 and 5 GB, stable for a name.</summary>
    public long Size => Details.FileSize ?? 1_000_000_000L + (long)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(Name)), 0) % 4_000_000_000u);

    /// <summary><c>name:tag</c> with <c>:latest</c> added when the tag is missing.</summary>
    public static string Normalize(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var trimmed = name.Trim();
        var lastSlash = trimmed.LastIndexOf('/');
        return trimmed.IndexOf(':', lastSlash + 1) >= 0 ? trimmed : trimmed + ":latest";
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
