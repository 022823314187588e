namespace SaltBatch.Core.Config;

/// <summary>The master configuration could not be located, read or understood.</summary>
public sealed class MasterConfigException : Exception
{
    public MasterConfigException(string message, string? filePath, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The configuration file at fault, when one is known.</summary>
    public string? FilePath { get; }
}
