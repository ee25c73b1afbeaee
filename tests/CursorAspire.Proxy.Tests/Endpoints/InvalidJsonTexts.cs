using CsCheck;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Bodies that are not (or barely) JSON: truncated and corrupted real bodies, invalid UTF-8, random bytes, JSON that is
/// not an object, nesting past the parser's limit, under an odd <c>Content-Type</c> now and then.
/// </summary>
internal static class InvalidJsonTexts
{
    private static readonly string[] Paths = ["v1/chat/completions", "v1/responses"];

    private static readonly byte[][] ValidBodies =
    [
        Encoding.UTF8.GetBytes("""{"model":"local","messages":[{"role":"user","content":"hello"}]}"""),
        Encoding.UTF8.GetBytes("""{"model":"remote","input":[{"role":"user","content":[{"type":"input_text","text":"héllo"}]}]}"""),
        CursorFixtures.ReadBytes(CursorFixtures.Verify),
        CursorFixtures.ReadBytes(CursorFixtures.ResponsesShapedAgent),
    ];

    private static readonly string[] FixedTexts =
    [
        "", " ", "null", "true", "0", "\"x\"", "[]", "[{}]", "{", "}", "{}", "{\"messages\":", "{\"messages\":[}", "{\"model\":\"local\",}",
        "{\"input\":\"x\"}}", "{\"input\":NaN}", "{\"input\":Infinity}", "{'input':'x'}", "{\"input\":\"x\"/* comment */}",
        "{\"input\":\"\\x\"}", "{\"input\":\"\\u12\"}", "{\"input\":\"tab\there\"}", "{\"input\":01}", "{\"input\":1.}",
        "{\"model\":\"local\",\"model\":\"remote\",\"input\":\"dup\"}", "{\"input\":\"x\"}\u0000",
        "{\"input\":" + JsonFragments.DeepArray(300) + "}", "{\"input\":" + JsonFragments.DeepObject(300) + "}",
    ];

    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (2, Gen.OneOf(FixedTexts).Select(Encoding.UTF8.GetBytes)),
        (3, Gen.Select(Gen.Int[0, ValidBodies.Length - 1], Gen.Double.Unit, (body, cut) => ValidBodies[body][..(int)(ValidBodies[body].Length * cut)])),
        (3, Gen.Select(Gen.Int[0, ValidBodies.Length - 1], Gen.Int[0, int.MaxValue], Gen.Byte, Corrupt)),
        (1, Gen.Select(Gen.Int[0, ValidBodies.Length - 1], Gen.OneOf<byte[]>([0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xC0, 0x80], [0x00]),
            (body, prefix) => (byte[])[.. prefix, .. ValidBodies[body]])),
        (1, Gen.OneOf<byte[]>(
            [.. "{\"input\":\""u8, 0xFF, 0xFE, .. "\"}"u8],
            [.. "{\"input\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8],
            [.. "{\"input\":\""u8, 0xC3, .. "\"}"u8],
            [.. "{\"model\":\"local\",\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xF4, 0x90, 0x80, 0x80, .. "\"}]}"u8],
            [.. "{\"in"u8, 0xFF, .. "put\":\"x\"}"u8])),
        (1, Gen.Byte.Array[0, 200]));

    private static readonly Gen<string?> ContentType = Gen.Frequency<string?>(
        (8, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>(null, "text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded")));

    public static readonly Gen<MalformedRequest> Requests = Gen.Select(Gen.Int[0, Paths.Length - 1], Body, ContentType,
        (path, body, contentType) => new MalformedRequest(Paths[path], body, contentType));

    private static byte[] Corrupt(int body, int position, byte value)
    {
        var copy = ValidBodies[body].ToArray();
        copy[position % copy.Length] = value;
        return copy;
    }
}
