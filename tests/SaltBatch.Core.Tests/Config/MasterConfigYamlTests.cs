using SaltBatch.Core.Config;

namespace SaltBatch.Core.Tests.Config;

public sealed class MasterConfigYamlTests : IDisposable
{
    private readonly ConfigSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Theory]
    [InlineData("yes", true)]
    [InlineData("Yes", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("ON", true)]
    [InlineData("True", true)]
    [InlineData("no", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    [InlineData("Off", false)]
    [InlineData("FALSE", false)]
    public void Yaml11BooleanWordsAreBooleans(string word, bool expected)
    {
        var config = sandbox.LoadMain($"order_masters: {word}\nflag: {word}\n");

        Assert.Equal(expected, config.OrderMasters);
        Assert.Equal(expected, config.Raw["flag"]);
    }

    [Theory]
    [InlineData("y")]
    [InlineData("n")]
    [InlineData("yEs")]
    public void WordsPyYamlDoesNotResolveStayText(string word)
    {
        Assert.Equal(word, sandbox.LoadMain($"value: {word}\n").Raw["value"]);
    }

    [Fact]
    public void QuotedBooleanWordsStayText()
    {
        var config = sandbox.LoadMain("single: 'yes'\ndouble: \"no\"\nblock: |\n  on\n");

        Assert.Equal("yes", config.Raw["single"]);
        Assert.Equal("no", config.Raw["double"]);
        Assert.Equal("on\n", config.Raw["block"]);
    }

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("")]
    public void NullFormsAreNull(string word)
    {
        var config = sandbox.LoadMain($"ipv6: {word}\nother: {word}\n");

        Assert.Null(config.IPv6);
        Assert.True(config.Raw.ContainsKey("other"));
        Assert.Null(config.Raw["other"]);
    }

    [Theory]
    [InlineData("0755", 755L)]
    [InlineData("00", 0L)]
    [InlineData("-0755", -493L)]
    [InlineData("0x1F", 31L)]
    [InlineData("0b101", 5L)]
    [InlineData("1_000", 1000L)]
    [InlineData("+42", 42L)]
    [InlineData("-17", -17L)]
    [InlineData("1:30", 90L)]
    public void IntegersFollowYaml11AndSaltsLeadingZeroRule(string literal, long expected)
    {
        Assert.Equal(expected, sandbox.LoadMain($"value: {literal}\n").Raw["value"]);
    }

    [Fact]
    public void LeadingZeroPortIsReadAsDecimalLikeSalt()
    {
        Assert.Equal(4506, sandbox.LoadMain("ret_port: 04506\n").RetPort);
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-2.", -2.0)]
    [InlineData("1.0e+3", 1000.0)]
    [InlineData(".5", 0.5)]
    [InlineData("-.inf", double.NegativeInfinity)]
    public void FloatsFollowYaml11(string literal, double expected)
    {
        Assert.Equal(expected, sandbox.LoadMain($"value: {literal}\n").Raw["value"]);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("08")]
    [InlineData("0o17")]
    [InlineData("2024-06-10")]
    [InlineData("::1")]
    public void LookalikesThatYaml11DoesNotTypeStayText(string literal)
    {
        Assert.Equal(literal, sandbox.LoadMain($"value: {literal}\n").Raw["value"]);
    }

    [Fact]
    public void ExplicitStrTagKeepsText()
    {
        Assert.Equal("4506", sandbox.LoadMain("value: !!str 4506\n").Raw["value"]);
    }

    [Fact]
    public void SequencesAndMappingsKeepFileOrder()
    {
        var config = sandbox.LoadMain("list: [b, 1, yes]\nmap:\n  z: 1\n  a: 2\n");

        Assert.Equal(["b", 1L, true], Assert.IsAssignableFrom<IReadOnlyList<object?>>(config.Raw["list"]));
        Assert.Equal(["z", "a"], Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(config.Raw["map"]).Keys);
        Assert.Equal(["list", "map"], config.Raw.Keys);
    }

    [Fact]
    public void MergeKeysAndAliasesAreResolved()
    {
        var config = sandbox.LoadMain("base: &base\n  a: 1\n  b: 2\nderived:\n  <<: *base\n  b: 3\n");

        var derived = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(config.Raw["derived"]);
        Assert.Equal(1L, derived["a"]);
        Assert.Equal(3L, derived["b"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void EmptyFileMeansDefaults(string content)
    {
        var config = sandbox.LoadMain(content);

        Assert.True(config.ConfigFileFound);
        Assert.Empty(config.Raw);
        Assert.Equal(4506, config.RetPort);
    }

    [Fact]
    public void TopLevelListIsAnErrorNamingTheFile()
    {
        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain("- user: salt\n"));

        Assert.Equal(sandbox.MainFile, error.FilePath);
        Assert.Contains(sandbox.MainFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("mapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopLevelTextIsAnError()
    {
        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain("just some words\n"));

        Assert.Contains("'just some words'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorNamesTheFileAndLine()
    {
        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain("user: salt\ninterface: [127.0.0.1\ntimeout: 5\n"));

        Assert.Equal(sandbox.MainFile, error.FilePath);
        Assert.Contains(sandbox.MainFile, error.Message, StringComparison.Ordinal);
        Assert.Matches(@"line [23],", error.Message);
    }

    [Theory]
    [InlineData("user: a\nuser: b\n")]
    [InlineData("user: a\n'user': b\n")]
    public void DuplicateKeyIsAnErrorLikeSalts(string yaml)
    {
        var error = Assert.Throws<MasterConfigException>(() => sandbox.LoadMain(yaml));

        Assert.Contains("duplicate key", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }
}
