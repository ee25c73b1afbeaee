using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace CursorAspire.Proxy.Tools;

/// <summary>
/// Tool declarations already read, by the exact JSON of the tool. Cursor sends the same dozen tools with every request,
/// and the provider clients convert a declaration's schema once per declaration object (M.E.AI's schema-transform cache
/// is keyed by the object): new declarations for every request cost ~0.4 ms of each Ollama request in that conversion.
/// </summary>
/// <remarks>
/// <para>Byte-identical JSON reads, checks and declares identically, so a hit skips all three; a hit hands out nothing
/// the caller did not send. What a request reads is kept only once the whole request passed validation
/// (<see cref="Collect"/>, then <see cref="ToolDeclarationBatch.Keep"/>): a refused request leaves nothing behind.</para>
/// <para>Bounded by bytes, not count, since one tool can be megabytes: two generations of at most
/// <see cref="GenerationBytes"/> each (a declaration costs about twice its JSON: the key and the schema it holds);
/// when the newer fills up it becomes the older one, and what is still in use moves back to the newer on its next hit.
/// A tool larger than <see cref="MaxToolBytes"/> is never kept.</para>
/// </remarks>
internal static class ToolDeclarationCache
{
    /// <summary>The most one generation holds, in estimated bytes.</summary>
    public const long GenerationBytes = 4L * 1024 * 1024;

    /// <summary>The largest tool JSON kept; Cursor's own are a few KB.</summary>
    public const int MaxToolBytes = 256 * 1024;

    private static readonly Lock Rotation = new();
    private static Generation _newer = new();
    private static Generation _older = new();

    [ThreadStatic]
    private static ToolDeclarationBatch? _collecting;

    /// <summary>Estimated bytes held now (both generations).</summary>
    public static long Bytes => _newer.Bytes + _older.Bytes;

    /// <summary>
    /// Collects what this thread reads into a batch until it is disposed; the request keeps it
    /// (<see cref="ToolDeclarationBatch.Keep"/>) once it passed validation. Reads outside a batch are not kept.
    /// </summary>
    public static ToolDeclarationBatch Collect() => _collecting = new ToolDeclarationBatch();

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
            Add(entry);
        }
        (declaration, custom) = (entry.Declaration, entry.Custom);
        return true;
    }

    /// <summary>
    /// Notes <paramref name="declaration"/>, read from <paramref name="tool"/>, in this thread's batch: kept for the next
    /// request that sends the same JSON once this one passed validation.
    /// </summary>
    public static void Add(JsonElement tool, AIFunctionDeclaration declaration, bool custom)
    {
        var json = JsonMarshal.GetRawUtf8Value(tool);
        if (_collecting is { } batch && json.Length <= MaxToolBytes)
        {
            batch.Entries.Add(new Entry(json.ToArray(), declaration, custom));
        }
    }

    internal static void EndCollecting(ToolDeclarationBatch batch)
    {
        if (ReferenceEquals(_collecting, batch))
        {
            _collecting = null;
        }
    }

    internal static void Add(Entry entry)
    {
        var newer = _newer;
        if (newer.Bytes + entry.Bytes > GenerationBytes)
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

    internal sealed record Entry(byte[] Json, AIFunctionDeclaration Declaration, bool Custom)
    {
        // The JSON as the key, and the schema the declaration holds (a copy of about the same size), plus the objects.
        public long Bytes => 2L * Json.Length + 256;
    }

    private sealed class Generation
    {
        private readonly ConcurrentDictionary<byte[], Entry> _entries = new(ByteSequenceComparer.Instance);
        private readonly ConcurrentDictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;
        private long _bytes;

        public Generation() => _byBytes = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();

        public long Bytes => Interlocked.Read(ref _bytes);

        public bool TryGet(ReadOnlySpan<byte> json, out Entry entry) => _byBytes.TryGetValue(json, out entry!);

        /// <summary>Adds the entry, or keeps the one already there.</summary>
        public void Add(Entry entry)
        {
            if (_entries.TryAdd(entry.Json, entry))
            {
                Interlocked.Add(ref _bytes, entry.Bytes);
            }
        }
    }
}
