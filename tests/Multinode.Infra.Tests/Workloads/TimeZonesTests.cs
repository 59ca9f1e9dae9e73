using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

public sealed class TimeZonesTests
{
    [Theory]
    [InlineData("US/Eastern", "America/New_York")]
    [InlineData("Asia/Calcutta", "Asia/Kolkata")]
    [InlineData("Europe/Kiev", "Europe/Kyiv")]
    [InlineData("America/New_York", "America/New_York")]
    [InlineData("Europe/Berlin", "Europe/Berlin")]
    [InlineData("UTC", "UTC")]
    public void Canonical_LinkOrZone_IsTheZone(string name, string expected)
    {
        Assert.Null(TimeZones.Problem(name));
        Assert.Equal(expected, TimeZones.Canonical(name));
    }

    [Theory]
    [InlineData("Mars/Olympus", "is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\"")]
    [InlineData("america/new_york", "is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\"; did you mean \"America/New_York\"?")]
    [InlineData("Asia/Calcuta", "is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\"; did you mean \"Asia/Kolkata\"?")]
    [InlineData("", "is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\"")]
    public void Problem_Unknown_SuggestsTheCanonicalZone(string name, string expected) => Assert.Equal(expected, TimeZones.Problem(name));

    [Fact]
    public void Source_IsTheEmbeddedTzdataVersion() => Assert.StartsWith("IANA tzdata 20", TimeZones.Source, StringComparison.Ordinal);
}
