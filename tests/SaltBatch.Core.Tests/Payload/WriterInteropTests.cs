using System.Numerics;
using SaltBatch.Core.Payload;
using SaltBatch.Core.Tests.Peers;
using SaltBatch.Core.Tests.Support;

namespace SaltBatch.Core.Tests.Payload;

/// <summary>PayloadWriter produces exactly the bytes msgpack-python's packb (with Salt's default hook) produces.</summary>
public class WriterInteropTests
{
    private static readonly Dictionary<string, object?> Values = new()
    {
        ["none"] = null,
        ["true"] = true,
        ["false"] = false,
        ["empty string"] = "",
        ["unicode"] = "héllo wörld ✓ 数据库",
        ["astral plane"] = "minion-🚀-04",
        ["string 31 bytes"] = new string('a', 31),
        ["string 32 bytes"] = new string('a', 32),
        ["string 255 bytes"] = new string('a', 255),
        ["string 256 bytes"] = new string('a', 256),
        ["string 65535 bytes"] = new string('a', 65535),
        ["string 65536 bytes"] = new string('a', 65536),
        ["unicode string 32 bytes"] = new string('é', 16),
        ["int 0"] = 0L,
        ["int 127"] = 127L,
        ["int 128"] = 128L,
        ["int 255"] = 255L,
        ["int 256"] = 256L,
        ["int 65535"] = 65535L,
        ["int 65536"] = 65536L,
        ["int 2^32-1"] = 4294967295L,
        ["int 2^32"] = 4294967296L,
        ["int 2^63-1"] = long.MaxValue,
        ["int 2^63"] = 9223372036854775808UL,
        ["int 2^64-1"] = ulong.MaxValue,
        ["int 2^64"] = BigInteger.Pow(2, 64),
        ["int -1"] = -1L,
        ["int -32"] = -32L,
        ["int -33"] = -33L,
        ["int -128"] = -128L,
        ["int -129"] = -129L,
        ["int -32768"] = -32768L,
        ["int -32769"] = -32769L,
        ["int -2^31"] = (long)int.MinValue,
        ["int -2^31-1"] = (long)int.MinValue - 1,
        ["int -2^63"] = long.MinValue,
        ["int -2^63-1"] = (BigInteger)long.MinValue - 1,
        ["float timestamp"] = 1718020800.0,
        ["float fraction"] = 1718020802.25,
        ["float zero"] = 0.0,
        ["float negative zero"] = -0.0,
        ["float tenth"] = 0.1,
        ["float huge"] = 1e300,
        ["float tiny"] = 5e-324,
        ["float infinity"] = double.PositiveInfinity,
        ["bytes short"] = new byte[] { 0x00, 0xff, 0x10 },
        ["bytes 300"] = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(),
        ["bytes empty"] = Array.Empty<byte>(),
        ["datetime"] = new DateTime(2024, 6, 10, 12, 0, 1).AddTicks(1_234_560),
        ["date"] = new DateOnly(2024, 6, 10),
        ["constant"] = new SaltConstant("NOT_SET", null),
        ["constant with value"] = new SaltConstant("RETCODE", 2L),
        ["unknown ext fixext1"] = new PayloadExtension(42, [1]),
        ["unknown ext 16"] = new PayloadExtension(42, new byte[16]),
        ["unknown ext 3"] = new PayloadExtension(5, [1, 2, 3]),
        ["unknown ext 300"] = new PayloadExtension(100, new byte[300]),
        ["list of lists"] = new List<object?> { new List<object?> { 1L, 2L }, new List<object?>(), new List<object?> { new List<object?> { "deep" } } },
        ["list of 16"] = Enumerable.Range(0, 16).Select(i => (object?)(long)i).ToList(),
        ["non-string keys"] = new PayloadMap
        {
            { 1L, "one" }, { null, "nil" }, { 2.5, "float" }, { new byte[] { 1, 2 }, "bytes" }, { "s", new PayloadMap { { true, false } } },
        },
        ["map of 16"] = Enumerable.Range(0, 16).Aggregate(new PayloadMap(), (map, i) => { map.Add($"k{i}", (long)i); return map; }),
        ["return with dict retcode"] = new PayloadMap
        {
            { "ret", new PayloadMap { { "pkg_|-nginx_|-nginx_|-installed", new PayloadMap { { "result", true }, { "duration", 12.5 } } } } },
            { "retcode", new PayloadMap { { "state.apply", 2L } } },
        },
    };

    /// <summary>One peer run per flag packs every value; each case then compares its own line.</summary>
    private static readonly Lazy<IReadOnlyDictionary<bool, string[]>> PythonBytes = new(() =>
        new[] { false, true }.ToDictionary(
            useBinType => useBinType,
            useBinType => PythonPeer.SaltPayload(
                    ["pack-json", useBinType ? "true" : "false", "--many"],
                    TaggedJson.Serialize(Values.Values.ToList()))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)));

    public static TheoryData<string> Cases => new(Values.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void BytesMatchPythonPackb(string name)
    {
        var index = Values.Keys.ToList().IndexOf(name);
        foreach (var useBinType in new[] { false, true })
        {
            Assert.Equal(PythonBytes.Value[useBinType][index], Hex.Of(PayloadWriter.Pack(Values[name], useBinType)));
        }
    }
}
