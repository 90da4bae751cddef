namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

/// <summary>Ready-made fleets, all derived from a seed.</summary>
public static class FleetProfiles
{
    public static string NameOf(int index) => $"dev-{index}";

    /// <summary>
    /// A plain fleet: every device has <c>eth0</c> (rx 1000 B/s, tx 500 B/s) and <c>eth1</c> (rx 200 B/s, tx 100 B/s),
    /// no scripted faults, and <paramref name="random"/> faults seeded per device. Tests script faults on top with <see cref="DeviceProfile.With"/>.
    /// </summary>
    public static IReadOnlyList<DeviceProfile> Uniform(int count, RandomFaults random, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(random);
        return [.. Enumerable.Range(0, count).Select(i => new DeviceProfile(
            NameOf(i),
            [new InterfaceProfile("eth0", 1000, 500), new InterfaceProfile("eth1", 200, 100)],
            [],
            random,
            DeviceSeed(seed, i)))];
    }

    /// <summary>
    /// A lively fleet for the console demo: 2 to 4 interfaces per device with rates from 10 kB/s to 2 MB/s, some random
    /// noise, and within <paramref name="runLength"/> a few devices that go down, burst past
    /// <paramref name="burstTo"/> bytes/s or start counting errors. Without <paramref name="withFaults"/>, only the traffic:
    /// for measuring what the poller can do.
    /// </summary>
    public static IReadOnlyList<DeviceProfile> Demo(int count, int seed, TimeSpan runLength, long burstTo, bool withFaults = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var noise = !withFaults ? RandomFaults.None : new RandomFaults(
            SlowReplyProbability: 0.05,
            MaxSlowDelay: TimeSpan.FromMilliseconds(300),
            GarbageProbability: 0.05,
            CorruptLineProbability: 0.02,
            DisconnectProbability: 0.01);
        var profiles = new List<DeviceProfile>(count);
        for (var i = 0; i < count; i++)
        {
            var nics = Enumerable.Range(0, random.Next(2, 5))
                .Select(n => new InterfaceProfile(
                    $"eth{n}",
                    random.Next(10_000, 2_000_000),
                    random.Next(10_000, 1_000_000),
                    random.NextInt64(0, 1L << 40),
                    random.NextInt64(0, 1L << 40)))
                .ToList();
            var faults = new List<DeviceFault>();
            var at = TimeSpan.FromTicks((long)(runLength.Ticks * (0.2 + (0.5 * random.NextDouble()))));
            var length = TimeSpan.FromTicks(runLength.Ticks / 4);
            // Drawn either way, so a seed gives the same traffic with and without faults.
            var pick = random.Next(10);
            switch (withFaults ? pick : -1)
            {
                case 0:
                    faults.Add(new Outage(at, at + length));
                    break;
                case 1:
                    faults.Add(new TrafficBurst(nics[0].Name, at, at + length, burstTo, 0));
                    break;
                case 2:
                    faults.Add(new ErrorStorm(nics[^1].Name, at, at + length, 5));
                    break;
                case 3:
                    faults.Add(new SlowReplies(at, at + length, TimeSpan.FromSeconds(2)));
                    break;
            }

            profiles.Add(new DeviceProfile(NameOf(i), nics, faults, noise, DeviceSeed(seed, i)));
        }

        return profiles;
    }

    // A fixed mix (not HashCode, which is randomised per process) so a seed means the same fleet on every run.
    private static int DeviceSeed(int seed, int index) => unchecked((seed * 1_000_003) + (index * 7919) + 17);
}
