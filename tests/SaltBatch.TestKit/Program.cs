using SaltBatch.TestKit.SimulatedMaster;

namespace SaltBatch.TestKit;

/// <summary>Dispatches to one command per tool; each command owns its own argument parsing.</summary>
internal static class Program
{
    private static int Main(string[] args) => args.FirstOrDefault() switch
    {
        SimulatedMasterCommand.Name => SimulatedMasterCommand.Run(args[1..]),
        WriteCacheCommand.Name => WriteCacheCommand.Run(args[1..]),
        SandboxCommand.Name => SandboxCommand.Run(args[1..]),
        ChurnCommand.Name => ChurnCommand.Run(args[1..]),
        _ => Unknown(args.FirstOrDefault()),
    };

    private static int Unknown(string? command)
    {
        Console.Error.WriteLine(command is null ? "usage: SaltBatch.TestKit <command> ..." : $"unknown command '{command}'");
        Console.Error.WriteLine($"  {SimulatedMasterCommand.Usage}");
        Console.Error.WriteLine($"  {WriteCacheCommand.Usage}");
        Console.Error.WriteLine($"  {SandboxCommand.Usage}");
        Console.Error.WriteLine($"  {ChurnCommand.Usage}");
        return 2;
    }
}
