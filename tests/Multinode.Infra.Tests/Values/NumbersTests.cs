using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Values;

public sealed class NumbersTests
{
    [Theory]
    [InlineData(2.0, "2")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e-05, "1E-05")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Exact_ShortestRoundTrip(double value, string text) => Assert.Equal(text, Numbers.Exact(value));

    [Theory]
    [InlineData(1.5, 3, "1.5")]
    [InlineData(1.0 / 3, 3, "0.333")]
    [InlineData(2.0, 3, "2")]
    [InlineData(0.125, 2, "0.13")]
    public void Short_RoundsAndDropsTrailingZeros(double value, int decimals, string text) => Assert.Equal(text, Numbers.Short(value, decimals));

    [Fact]
    public void Money_AsPeopleReadIt()
    {
        Assert.Equal("$0.832", Numbers.Dollars(0.8320m));
        Assert.Equal("$1.2346", Numbers.Dollars(1.23456m));
        Assert.Equal("332,077.00", Numbers.Grouped(332077m));
        Assert.Equal("65,536", Numbers.Whole(65536, grouped: true));
        Assert.Equal("1.50", Numbers.Fixed(1.5));
        Assert.Equal("42%", Numbers.Percent(42, 100));
        Assert.Equal("n/a", Numbers.Percent(1, 0));
        Assert.Equal("0.832", Numbers.Normalize(0.8320m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
