namespace Multinode.Infra.Simulation;

/// <summary>
/// One workload's simulated seconds kept as change points: every second where demand, ideal, desired, running,
/// launched, busy, waiting or unserved work changed, each value holding until the next point. A six-hour trace of a
/// hundred workloads keeps a few thousand points each instead of eight arrays of every second.
/// </summary>
internal sealed class Timeline
{
    private readonly List<int> _t = [];
    private readonly List<double> _demand = [];
    private readonly List<int> _ideal = [];
    private readonly List<int> _desired = [];
    private readonly List<int> _ready = [];
    private readonly List<int> _launched = [];
    private readonly List<int> _busy = [];
    private readonly List<int> _waiting = [];
    private readonly List<double> _unserved = [];

    public Timeline(Signals s, int[] ideal)
    {
        for (var t = 0; t < s.Length; t++)
        {
            if (t > 0 && s.Demand[t] == s.Demand[t - 1] && ideal[t] == ideal[t - 1] && s.Desired[t] == s.Desired[t - 1] &&
                s.Ready[t] == s.Ready[t - 1] && s.Launched[t] == s.Launched[t - 1] && s.Busy[t] == s.Busy[t - 1] &&
                s.Waiting[t] == s.Waiting[t - 1] && s.Unserved[t] == s.Unserved[t - 1])
                continue;
            _t.Add(t);
            _demand.Add(s.Demand[t]);
            _ideal.Add(ideal[t]);
            _desired.Add(s.Desired[t]);
            _ready.Add(s.Ready[t]);
            _launched.Add(s.Launched[t]);
            _busy.Add(s.Busy[t]);
            _waiting.Add(s.Waiting[t]);
            _unserved.Add(s.Unserved[t]);
        }
        Length = s.Length;
    }

    public int Length { get; }

    /// <summary>Change points: their count, and the second of the i-th.</summary>
    public int Count => _t.Count;

    public int At(int i) => _t[i];

    /// <summary>The change point in force at second t.</summary>
    public int IndexAt(int t)
    {
        var i = _t.BinarySearch(t);
        return i >= 0 ? i : ~i - 1;
    }

    public double Demand(int i) => _demand[i];
    public int Ideal(int i) => _ideal[i];
    public int Desired(int i) => _desired[i];
    public int Ready(int i) => _ready[i];
    public int Launched(int i) => _launched[i];
    public int Busy(int i) => _busy[i];
    public int Waiting(int i) => _waiting[i];
    public double Unserved(int i) => _unserved[i];

    /// <summary>The last second at which anything but the unserved work changed.</summary>
    public int LastChange
    {
        get
        {
            for (var i = Count - 1; i > 0; i--)
            {
                if (_demand[i] != _demand[i - 1] || _ideal[i] != _ideal[i - 1] || _desired[i] != _desired[i - 1] ||
                    _ready[i] != _ready[i - 1] || _launched[i] != _launched[i - 1] || _busy[i] != _busy[i - 1] ||
                    _waiting[i] != _waiting[i - 1])
                    return _t[i];
            }
            return 0;
        }
    }

    /// <summary>Seconds point i holds within [0, end).</summary>
    public int Span(int i, int end) => Math.Max(0, Math.Min(i + 1 < Count ? _t[i + 1] : Length, end) - _t[i]);
}
