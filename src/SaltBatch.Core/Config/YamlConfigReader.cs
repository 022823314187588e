using System.Numerics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaltBatch.Core.Config;

/// <summary>
/// Reads one Salt config file into plain values the way salt.utils.yaml.safe_load does: YAML 1.1 typing,
/// merge keys (&lt;&lt;), duplicate keys rejected, and a falsy document taken as an empty mapping.
/// </summary>
internal static class YamlConfigReader
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    public static ConfigMapping Read(string path) => Parse(ReadText(path), path);

    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new MasterConfigException(
                $"Cannot read the master configuration file '{path}': permission denied. "
                + "Run as root or as the master's user, or make the file readable.",
                path,
                ex);
        }
        catch (IOException ex)
        {
            throw new MasterConfigException(
                $"Cannot read the master configuration file '{path}': {ex.Message}", path, ex);
        }
    }

    public static ConfigMapping Parse(string text, string path)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException ex)
        {
            throw Invalid(path, ex.Start, Reason(ex), ex);
        }
        catch (InvalidOperationException ex)
        {
            // Some malformed input trips YamlDotNet's scanner without a YamlException; the scanner still knows where.
            throw Invalid(path, scanner.CurrentPosition, "the YAML is malformed here (look for an unclosed bracket or quote above)", ex);
        }

        if (stream.Documents.Count == 0)
        {
            return new ConfigMapping();
        }

        if (stream.Documents.Count > 1)
        {
            throw Invalid(path, stream.Documents[1].RootNode.Start, "expected a single YAML document, found several");
        }

        var root = stream.Documents[0].RootNode;
        var value = Convert(root, path);
        if (PythonValues.IsFalsy(value))
        {
            return new ConfigMapping();
        }

        return value as ConfigMapping ?? throw new MasterConfigException(
            $"The master configuration file '{path}' must be a mapping of 'option: value' lines, "
            + $"but its top level is {Describe(value)} (line {root.Start.Line}). Fix the file.",
            path);
    }

    private static object? Convert(YamlNode node, string path) => node switch
    {
        YamlScalarNode scalar => ConvertScalar(scalar, path),
        YamlSequenceNode sequence => sequence.Children.Select(child => Convert(child, path)).ToList().AsReadOnly(),
        YamlMappingNode mapping => ConvertMapping(mapping, path),
        _ => throw Invalid(path, node.Start, $"unsupported YAML node '{node.NodeType}'"),
    };

    private static object? ConvertScalar(YamlScalarNode scalar, string path)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Tag.IsEmpty)
        {
            return scalar.Style == ScalarStyle.Plain ? Yaml11Scalars.Resolve(text) : text;
        }

        if (scalar.Tag.IsNonSpecific || scalar.Tag.Value == CoreTagPrefix + "str")
        {
            return text;
        }

        var tag = scalar.Tag.Value;
        var kind = tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag[CoreTagPrefix.Length..] : tag;
        var resolved = Yaml11Scalars.Resolve(text);
        return kind switch
        {
            "null" when resolved is null => null,
            "bool" when resolved is bool => resolved,
            "int" when resolved is long or BigInteger => resolved,
            "float" when resolved is double or long or BigInteger => ToDouble(resolved),
            "null" or "bool" or "int" or "float" => throw Invalid(path, scalar.Start, $"'{text}' is not a valid {tag}"),
            _ => throw Invalid(path, scalar.Start, $"unsupported tag '{tag}'"),
        };
    }

    private static double ToDouble(object value) => value switch
    {
        long whole => whole,
        BigInteger big => (double)big,
        _ => (double)value,
    };

    private static ConfigMapping ConvertMapping(YamlMappingNode mapping, string path)
    {
        var result = new ConfigMapping();
        foreach (var (keyNode, valueNode) in Flatten(mapping, path))
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw Invalid(path, keyNode.Start, "a mapping key must be a plain value, not a list or mapping");
            }

            if (result.ContainsKey(key))
            {
                throw Invalid(path, keyNode.Start, $"duplicate key '{key}' in the same mapping");
            }

            result.Set(key, Convert(valueNode, path));
        }

        return result;
    }

    /// <summary>
    /// Resolves merge keys like Salt's flatten_mapping: merged entries come first, explicit keys drop the merged
    /// entries they name, and of a list of merged mappings the later ones come first.
    /// </summary>
    private static List<KeyValuePair<YamlNode, YamlNode>> Flatten(YamlMappingNode mapping, string path)
    {
        var merged = new List<KeyValuePair<YamlNode, YamlNode>>();
        var explicitEntries = new List<KeyValuePair<YamlNode, YamlNode>>();
        foreach (var entry in mapping.Children)
        {
            if (!IsMergeKey(entry.Key))
            {
                explicitEntries.Add(entry);
                continue;
            }

            switch (entry.Value)
            {
                case YamlMappingNode source:
                    merged.AddRange(Flatten(source, path));
                    break;
                case YamlSequenceNode sources:
                    var groups = sources.Children
                        .Select(node => node as YamlMappingNode
                            ?? throw Invalid(path, node.Start, "a merge key (<<) list may hold only mappings"))
                        .Select(source => Flatten(source, path))
                        .Reverse();
                    merged.AddRange(groups.SelectMany(group => group));
                    break;
                default:
                    throw Invalid(path, entry.Value.Start, "a merge key (<<) needs a mapping or a list of mappings");
            }
        }

        if (merged.Count == 0)
        {
            return explicitEntries;
        }

        var explicitKeys = explicitEntries.Select(entry => KeyText(entry.Key)).ToHashSet(StringComparer.Ordinal);
        return merged.Where(entry => !explicitKeys.Contains(KeyText(entry.Key))).Concat(explicitEntries).ToList();
    }

    private static bool IsMergeKey(YamlNode key) => key is YamlScalarNode scalar
        && (scalar.Tag.IsEmpty ? scalar.Style == ScalarStyle.Plain && scalar.Value == "<<"
            : scalar.Tag.Value == CoreTagPrefix + "merge");

    private static string KeyText(YamlNode key) => (key as YamlScalarNode)?.Value ?? string.Empty;

    private static string Describe(object? value) => value switch
    {
        IReadOnlyList<object?> => "a list",
        string text => $"the text '{text}'",
        _ => $"the value '{value}'",
    };

    // YamlDotNet prefixes its messages with the position, which Invalid states on its own.
    private static string Reason(YamlException ex)
    {
        var separator = ex.Message.IndexOf("): ", StringComparison.Ordinal);
        return (separator >= 0 ? ex.Message[(separator + 3)..] : ex.Message).TrimEnd('.');
    }

    private static MasterConfigException Invalid(string path, Mark at, string reason, Exception? inner = null) =>
        new($"The master configuration file '{path}' is not valid YAML at line {at.Line}, column {at.Column}: "
            + $"{reason}. Fix the file.", path, inner);
}
