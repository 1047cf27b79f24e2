using FluentAssertions;
using Xunit;

namespace ParticleBlynk.Benchmarks.Tests;

/// <summary>
/// Every goal line ends with the thread-pool spin limit it ran at; the figures swing with it (README "Speed"), so it must
/// be read as the runtime reads it — the environment variable in hexadecimal, over the runtimeconfig's value.
/// </summary>
public sealed class SpinLimitTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("46", "70")] // .NET's own default, written as the variable wants it
    [InlineData("70", "112")] // the trap: "70" is hexadecimal
    [InlineData("0x10", "16")]
    [InlineData("f4240", "1000000")] // the largest limit the runtime keeps
    [InlineData("f4241", "70")] // over 1,000,000: taken for a mistake, the default spun
    public void The_environment_variable_is_hexadecimal_and_wins_over_the_runtimeconfig(string variable, string expected) =>
        Goals.SpinLimitFrom(variable, runtimeConfig: 0).Should().Be(expected);

    [Theory]
    [InlineData("seventy")]
    [InlineData("0X10")] // only a lower-case prefix is stripped
    [InlineData("80000000")] // over int.MaxValue
    [InlineData("")]
    public void A_variable_the_runtime_cannot_use_leaves_the_runtimeconfig_in_force(string variable) =>
        Goals.SpinLimitFrom(variable, runtimeConfig: 5).Should().Be("5");

    [Fact]
    public void Without_the_variable_the_runtimeconfig_decides_and_without_either_the_default_of_70() =>
        (Goals.SpinLimitFrom(null, 0), Goals.SpinLimitFrom(null, "12"), Goals.SpinLimitFrom(null, null))
        .Should().Be(("0", "12", "70"));
}
