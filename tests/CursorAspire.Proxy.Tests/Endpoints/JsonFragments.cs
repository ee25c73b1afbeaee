using CsCheck;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Generators of raw JSON text. Values are kept as text rather than as nodes so a generator can produce anything a
/// client can send, including what no serializer would write (unpaired surrogate escapes, numbers no type can hold).
/// </summary>
internal static class JsonFragments
{
    /// <summary>Values that are wrong for almost every field: each JSON kind at its edges.</summary>
    private static readonly string[] EdgeValues =
    [
        "null", "true", "false", "0", "-0", "-1", "1.5", "1e400", "-1e400", "1e-400", "1e39", "-1e39",
        "2147483648", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
        "\"\"", "\" \"", "\"x\"", "\"null\"", "\"0\"", "\"true\"",
        "[]", "[null]", "[1,\"a\",{}]", "[[]]", "{}", "{\"\":\"\"}", "{\"type\":null}",
    ];

    /// <summary>Text a field could meet that is still text: empty, control characters, exotic Unicode, markup.</summary>
    private static readonly string[] OddTextLiterals =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\t\\r\\n\"", "\"\\ud83d\\ude00\"", "\"\u202eevil\"", "\"\\u200b\"",
        "\"e\u0301\"", "\"\\uffff\\ufffe\"", "\"<think>\"", "\"</think>\"", "\"\\\\\"", "\"\\\"\"", "\"💥🔥\"", "\"ﷺ\"",
        "\"\\u001b[31m\"", "\"{{ $$ }}\"",
    ];

    /// <summary>Strings that are not text: escapes of unpaired UTF-16 surrogates.</summary>
    private static readonly string[] BrokenTextLiterals = ["\"\\ud800\"", "\"\\udc00x\"", "\"x\\ud83d\"", "\"\\ude00\\ud83d\""];

    /// <summary>Random characters with every unpaired surrogate replaced: always text.</summary>
    public static readonly Gen<string> RandomText = Gen.String[0, 40].Select(WithoutUnpairedSurrogates);

    /// <summary>A string that is odd but still text: a fixed edge case, random characters or a huge string.</summary>
    public static readonly Gen<string> OddText = Gen.Frequency(
        (6, Gen.OneOf(OddTextLiterals)),
        (3, RandomText.Select(Quote)),
        (1, Gen.Int[1_000, 70_000].Select(n => Quote(new string('a', n)))));

    /// <summary>An odd string, sometimes not text at all (random characters with unpaired surrogates, or their escapes).</summary>
    public static readonly Gen<string> OddString = Gen.Frequency(
        (6, OddText),
        (2, Gen.OneOf(BrokenTextLiterals)),
        (1, Gen.String[0, 40].Select(Quote)));

    /// <summary>Any JSON value of limited depth, its strings always text.</summary>
    public static readonly Gen<string> AnyJson = Gen.Recursive<string>((depth, self) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, self.Array[0, 3].Select(ArrayOf)),
            (1, Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyz_"].Array[0, 8].Select(c => new string(c)), self).Array[0, 3]
                .Select(members => "{" + string.Join(",", members.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}"))));

    /// <summary>A value that is malformed for a field: wrong kind, edge value, odd text, deep nesting, anything.</summary>
    public static readonly Gen<string> OddValue = Gen.Frequency(
        (6, Gen.OneOf(EdgeValues)),
        (3, OddString),
        (2, AnyJson),
        (1, Gen.Int[1, 250].Select(DeepArray)),
        (1, Gen.Int[1, 250].Select(DeepObject)),
        (1, Gen.Int[300, 2_000].Select(n => "1" + new string('0', n))));

    private static Gen<string> Scalar => Gen.Frequency(
        (3, Gen.OneOf(EdgeValues)),
        (2, RandomText.Select(Quote)),
        (2, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))));

    /// <summary>A valid value most of the time, else a malformed one.</summary>
    public static Gen<string> Or(Gen<string> valid, int validWeight = 5) => Gen.Frequency((validWeight, valid), (1, OddValue));

    /// <summary>One of the given strings, as JSON strings.</summary>
    public static Gen<string> Strings(params string[] values) => Gen.OneOf(values.Select(Quote).ToArray());

    /// <summary>An object member that is sometimes left out. An absent member is the empty string, which <see cref="Object"/> skips.</summary>
    public static Gen<string> Member(string name, Gen<string> value, int presentWeight = 3, int absentWeight = 1) =>
        Gen.Frequency((absentWeight, Gen.Const(string.Empty)), (presentWeight, value.Select(v => Quote(name) + ":" + v)));

    /// <summary>An object member that is always there.</summary>
    public static Gen<string> Required(string name, Gen<string> value) => value.Select(v => Quote(name) + ":" + v);

    /// <summary>An object of the given members, absent ones left out.</summary>
    public static Gen<string> Object(params Gen<string>[] members) =>
        members.Aggregate(Gen.Const(string.Empty), (joined, member) => Gen.Select(joined, member, JoinMembers)).Select(m => "{" + m + "}");

    /// <summary>An array of <paramref name="min"/> to <paramref name="max"/> items.</summary>
    public static Gen<string> Array(Gen<string> item, int min, int max) => item.Array[min, max].Select(ArrayOf);

    public static string ArrayOf(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    public static string DeepArray(int depth) => new string('[', depth) + new string(']', depth);

    public static string DeepObject(int depth) =>
        new StringBuilder().Insert(0, "{\"a\":", depth).Append("null").Append('}', depth).ToString();

    /// <summary>
    /// A JSON string literal written by hand: unpaired surrogates become <c>\uXXXX</c> escapes instead of making a
    /// serializer throw, which is exactly the text a broken client sends.
    /// </summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (c < 0x20 || char.IsSurrogate(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    private static string WithoutUnpairedSurrogates(string value)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '?';
            }
        }
        return new string(chars);
    }

    private static string JoinMembers(string joined, string member) =>
        member.Length == 0 ? joined : joined.Length == 0 ? member : joined + "," + member;
}
