using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace CursorAspire.Proxy.Tools;

/// <summary>
/// Tool declarations already read, by the exact JSON of the tool. Cursor sends the same dozen tools with every request,
/// and the provider clients convert a declaration's schema once per declaration object (M.E.AI's schema-transform cache
/// is keyed by the object): new declarations for every request cost ~0.4 ms of each Ollama request in that conversion.
/// </summary>
/// <remarks>
/// Byte-identical JSON reads, checks and declares identically, so a hit skips all three; only tools that read cleanly are
/// kept, and a hit hands out nothing the caller did not send. Bounded to two generations of <see cref="MaxEntries"/>:
/// when the newer fills up it becomes the older one, and what is still in use moves back to the newer on its next hit.
/// </remarks>
internal static class ToolDeclarationCache
{
    public const int MaxEntries = 512;

    private static readonly Lock Rotation = new();
    private static Generation _newer = new();
    private static Generation _older = new();

    /// <summary>The declaration read from <paramref name="tool"/> before, if any, and whether it is a custom tool.</summary>
    public static bool TryGet(JsonElement tool, out AIFunctionDeclaration declaration, out bool custom)
    {
        var json = JsonMarshal.GetRawUtf8Value(tool);
        var newer = _newer;
        if (!newer.TryGet(json, out var entry))
        {
            if (!_older.TryGet(json, out entry))
            {
                (declaration, custom) = (null!, false);
                return false;
            }
            // Still in use: it moves to the newer generation before the older one is dropped.
            newer.Add(entry);
        }
        (declaration, custom) = (entry.Declaration, entry.Custom);
        return true;
    }

    /// <summary>Keeps <paramref name="declaration"/>, read from <paramref name="tool"/>, for the next request that sends the same JSON.</summary>
    public static void Add(JsonElement tool, AIFunctionDeclaration declaration, bool custom)
    {
        var entry = new Entry(JsonMarshal.GetRawUtf8Value(tool).ToArray(), declaration, custom);
        var newer = _newer;
        if (newer.Count >= MaxEntries)
        {
            lock (Rotation)
            {
                if (ReferenceEquals(newer, _newer))
                {
                    (_older, _newer) = (newer, new Generation());
                }
                newer = _newer;
            }
        }
        newer.Add(entry);
    }

    private sealed record Entry(byte[] Json, AIFunctionDeclaration Declaration, bool Custom);

    private sealed class Generation
    {
        private readonly ConcurrentDictionary<byte[], Entry> _entries = new(ByteSequenceComparer.Instance);
        private readonly ConcurrentDictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;

        public Generation() => _byBytes = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();

        public int Count => _entries.Count;

        public bool TryGet(ReadOnlySpan<byte> json, out Entry entry) => _byBytes.TryGetValue(json, out entry!);

        /// <summary>Adds the entry, or keeps the one already there.</summary>
        public void Add(Entry entry) => _entries.TryAdd(entry.Json, entry);
    }
}
