namespace RxTelnet.Samples.MonitoringPipeline.Output;

using RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>Whether the poller kept its interval: results per round, latencies, and the poll rate achieved.</summary>
public sealed class RunStatistics(int devices, TimeSpan period)
{
    private readonly object _gate = new();
    private readonly Dictionary<long, Round> _rounds = [];
    private readonly Dictionary<PollStatus, long> _byStatus = [];
    private TimeSpan _maxLatency;
    private TimeSpan _totalLatency;
    private long _results;

    public void Observe(PollResult poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        lock (_gate)
        {
            _results++;
            _byStatus[poll.Status] = _byStatus.GetValueOrDefault(poll.Status) + 1;
            if (!_rounds.TryGetValue(poll.Poll, out var round))
            {
                round = new Round(poll.Scheduled);
                _rounds[poll.Poll] = round;
            }

            round.Results++;
            if (poll.IsOk)
            {
                round.Ok++;
            }

            if (poll.Completed > round.LastCompleted)
            {
                round.LastCompleted = poll.Completed;
            }

            if (poll.IsOk)
            {
                _totalLatency += poll.Latency;
                if (poll.Latency > _maxLatency)
                {
                    _maxLatency = poll.Latency;
                }
            }
        }
    }

    public long Count(PollStatus status)
    {
        lock (_gate)
        {
            return _byStatus.GetValueOrDefault(status);
        }
    }

    /// <summary>The figures of the rounds that have had a whole period to finish by <paramref name="now"/>.</summary>
    public Summary Summarize(DateTimeOffset now)
    {
        lock (_gate)
        {
            var complete = _rounds.Values.Where(r => r.Scheduled + period <= now).ToList();
            var full = complete.Count(r => r.Results == devices && r.LastCompleted - r.Scheduled < period);
            var ok = _byStatus.GetValueOrDefault(PollStatus.Ok);
            var seconds = complete.Count * period.TotalSeconds;
            var okInComplete = complete.Sum(r => (long)r.Ok);
            return new Summary(
                Rounds: complete.Count,
                RoundsOnTime: full,
                Results: _results,
                Ok: ok,
                Failed: _byStatus.GetValueOrDefault(PollStatus.NotConnected) + _byStatus.GetValueOrDefault(PollStatus.Timeout) + _byStatus.GetValueOrDefault(PollStatus.Failed),
                Skipped: _byStatus.GetValueOrDefault(PollStatus.Skipped),
                MaxLatency: _maxLatency,
                MeanLatency: ok == 0 ? TimeSpan.Zero : _totalLatency / ok,
                SlowestRound: complete.Count == 0 ? TimeSpan.Zero : complete.Max(r => r.LastCompleted - r.Scheduled),
                PollsPerSecond: seconds > 0 ? complete.Sum(r => (long)r.Results) / seconds : 0,
                AchievedPollsPerSecond: seconds > 0 ? okInComplete / seconds : 0,
                RequiredPollsPerSecond: devices / period.TotalSeconds);
        }
    }

    public sealed record Summary(
        int Rounds,
        int RoundsOnTime,
        long Results,
        long Ok,
        long Failed,
        long Skipped,
        TimeSpan MaxLatency,
        TimeSpan MeanLatency,
        TimeSpan SlowestRound,
        double PollsPerSecond,
        double AchievedPollsPerSecond,
        double RequiredPollsPerSecond)
    {
        /// <summary>Gets whether every finished round polled every device, none skipped, within the period.</summary>
        public bool IntervalMet => Rounds > 0 && RoundsOnTime == Rounds && Skipped == 0;
    }

    private sealed class Round(DateTimeOffset scheduled)
    {
        public DateTimeOffset Scheduled { get; } = scheduled;

        public DateTimeOffset LastCompleted { get; set; } = scheduled;

        public int Results { get; set; }

        public int Ok { get; set; }
    }
}
