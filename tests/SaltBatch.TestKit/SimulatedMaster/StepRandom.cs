namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// The dice for one step of one batch, derived from the seed, the JID and the step number alone (FNV-1a, not
/// <see cref="HashCode"/>, which differs per process), so a batch's history depends on nothing but how many steps it took.
/// </summary>
public static class StepRandom
{
    public static Random For(int seed, string jid, long step)
    {
        var hash = 2166136261u;
        foreach (var ch in $"{seed}/{jid}/{step}")
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return new Random(unchecked((int)hash));
    }
}
