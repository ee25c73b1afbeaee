using System.Buffers;
using System.Text.RegularExpressions;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>A message's <c>name</c> as M.E.AI 10.11's OpenAI client sends its <see cref="ChatMessage.AuthorName"/>.</summary>
internal static partial class OpenAIAuthorName
{
    /// <summary>M.E.AI's author name: what is not a letter, digit or underscore removed, at most 64 characters, none if nothing is left.</summary>
    public static void Write(Utf8JsonWriter writer, string? authorName)
    {
        if (authorName is null)
        {
            return;
        }
        var clean = authorName.Length <= 64 && !authorName.AsSpan().ContainsAnyExcept(NameCharacters) ? authorName : Sanitize(authorName);
        if (clean.Length > 0)
        {
            writer.WriteString("name"u8, clean);
        }
    }

    private static string Sanitize(string name)
    {
        name = InvalidNameCharacters().Replace(name, string.Empty);
        return name.Length > 64 ? name[..64] : name;
    }

    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    [GeneratedRegex("[^a-zA-Z0-9_]+")]
    private static partial Regex InvalidNameCharacters();
}
