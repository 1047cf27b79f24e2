using FluentAssertions;
using Xunit;

namespace ParticleBlynk.Benchmarks.Tests;

/// <summary>
/// The goal lines bench.sh prints last are the verdicts issue 13 is judged by: each ratio from the means of one run, each
/// bound inclusive, a goal whose benchmarks did not run reported as not measured (never as met).
/// </summary>
public sealed class GoalLinesTests
{
    private const string Conditions = "load=1.00 spin_limit=70";

    [Fact]
    public void A_run_that_meets_every_goal_prints_its_figures_ratios_and_verdicts()
    {
        // Given a run: a harness day 1.2 × the bare one, 1,000 boards in 3.6 s growing linearly, deliveries at 0.6 × Kestrel and 1.2 × WireMock
        var means = Run(harnessDayNs: 240e6, bareDayNs: 200e6, fleet: Fleet(0.011, 0.22, 0.4, 3.6), e2eNs: 100_000, kestrelNs: 60_000, wireMockNs: 120_000);

        // When
        var lines = Goals.Lines(means, Conditions).ToList();

        // Then
        lines.Should().Equal(
            "P1 harness_day_s=0.240 bare_day_s=0.200 ratio=1.20 goal<=1.50 met load=1.00 spin_limit=70",
            "P2 devices=1000 wall_s=3.600 per_board_growth=1.00 goal<=10.00,<=1.25 met curve=1:0.011s 10:0.220s 100:0.400s 1000:3.600s load=1.00 spin_limit=70",
            "P3 e2e_per_s=10000 kestrel_per_s=16667 wiremock_per_s=8333 kestrel_ratio=0.60 wiremock_ratio=1.20 goal>=0.50,>=1.00 met load=1.00 spin_limit=70");
    }

    [Theory]
    [InlineData(300e6, 200e6, "ratio=1.50 goal<=1.50 met")] // the bound itself meets
    [InlineData(302e6, 200e6, "ratio=1.51 goal<=1.50 MISSED")]
    public void P1_is_met_up_to_one_and_a_half_bare_days(double harnessDayNs, double bareDayNs, string expected) =>
        Goals.Lines(Run(harnessDayNs, bareDayNs), Conditions).First().Should().Contain(expected);

    [Theory]
    [InlineData(200_000, 100_000, 200_000, "kestrel_ratio=0.50 wiremock_ratio=1.00 goal>=0.50,>=1.00 met")] // both bounds themselves meet
    [InlineData(210_000, 100_000, 300_000, "kestrel_ratio=0.48 wiremock_ratio=1.43 goal>=0.50,>=1.00 MISSED")] // Kestrel's half alone
    [InlineData(110_000, 100_000, 100_000, "kestrel_ratio=0.91 wiremock_ratio=0.91 goal>=0.50,>=1.00 MISSED")] // WireMock's half alone
    public void P3_needs_half_of_Kestrel_and_all_of_the_WireMock_stub(double e2eNs, double kestrelNs, double wireMockNs, string expected) =>
        Goals.Lines(Run(e2eNs: e2eNs, kestrelNs: kestrelNs, wireMockNs: wireMockNs), Conditions).Last().Should().Contain(expected);

    [Fact]
    public void P2_over_ten_seconds_is_missed()
    {
        // When
        var line = Goals.Lines(Run(fleet: Fleet(0.01, 0.2, 1.05, 10.5)), Conditions).ElementAt(1);

        // Then
        line.Should().StartWith("P2 devices=1000 wall_s=10.500 per_board_growth=1.00 goal<=10.00,<=1.25 MISSED curve=");
    }

    [Fact]
    public void P2_growing_faster_than_the_fleet_is_missed_even_under_ten_seconds()
    {
        // Given 100 boards in 0.4 s and 1,000 in 6 s: 6 ms a board against 4 ms (a cost that grows with the square of the fleet would)
        var line = Goals.Lines(Run(fleet: Fleet(0.01, 0.2, 0.4, 6.0)), Conditions).ElementAt(1);

        // Then
        line.Should().Contain("wall_s=6.000 per_board_growth=1.50 goal<=10.00,<=1.25 MISSED");
    }

    [Fact]
    public void A_lone_board_is_not_the_yardstick_for_growth()
    {
        // Given one board in 1 ms (its loops run back to back) and fleets from 10 up at 2-4 ms a board
        var line = Goals.Lines(Run(fleet: Fleet(0.001, 0.04, 0.3, 2.0)), Conditions).ElementAt(1);

        // Then: 1,000 boards cost 2 ms each, the cheapest fleet from 10 up (2 ms at 1,000 itself)
        line.Should().Contain("per_board_growth=1.00 goal<=10.00,<=1.25 met curve=1:0.001s 10:0.040s 100:0.300s 1000:2.000s");
    }

    [Fact]
    public void A_run_without_the_thousand_boards_prints_its_curve_but_no_verdict()
    {
        // When
        var line = Goals.Lines(Run(fleet: [new("FleetBenchmark", "FleetHour", 1, 0.01e9), new("FleetBenchmark", "FleetHour", 10, 0.2e9)]), Conditions).ElementAt(1);

        // Then
        line.Should().Be("P2 devices=1000 not measured curve=1:0.010s 10:0.200s load=1.00 spin_limit=70");
    }

    [Fact]
    public void Goals_whose_benchmarks_did_not_run_are_not_measured_and_never_met()
    {
        // Given a run filtered to the bare halves only: no harness day, no fleet, no end-to-end path
        BenchmarkMean[] means =
        [
            new("HarnessDayBenchmark", "BareEmulatorDay", null, 200e6),
            new("DeliveryThroughputBenchmark", "BareKestrel", null, 50_000),
            new("DeliveryThroughputBenchmark", "WireMockStub", null, 100_000),
        ];

        // When
        var lines = Goals.Lines(means, Conditions).ToList();

        // Then
        lines.Should().Equal(
            "P1 not measured (HarnessDayBenchmark.HarnessDay/BareEmulatorDay did not run)",
            "P2 not measured (FleetBenchmark did not run)",
            "P3 not measured (DeliveryThroughputBenchmark.EndToEnd/BareKestrel/WireMockStub did not run)");
        lines.Should().NotContain(l => l.Contains(" met", StringComparison.Ordinal));
    }

    // The fleet's four sizes, wall seconds each.
    private static BenchmarkMean[] Fleet(double one, double ten, double hundred, double thousand) =>
    [
        new("FleetBenchmark", "FleetHour", 1, one * 1e9),
        new("FleetBenchmark", "FleetHour", 10, ten * 1e9),
        new("FleetBenchmark", "FleetHour", 100, hundred * 1e9),
        new("FleetBenchmark", "FleetHour", 1000, thousand * 1e9),
    ];

    private static List<BenchmarkMean> Run(
        double harnessDayNs = 240e6, double bareDayNs = 200e6, BenchmarkMean[]? fleet = null, double e2eNs = 100_000, double kestrelNs = 60_000, double wireMockNs = 80_000) =>
    [
        new("HarnessDayBenchmark", "HarnessDay", null, harnessDayNs),
        new("HarnessDayBenchmark", "BareEmulatorDay", null, bareDayNs),
        .. fleet ?? Fleet(0.011, 0.22, 0.4, 3.6),
        new("DeliveryThroughputBenchmark", "EndToEnd", null, e2eNs),
        new("DeliveryThroughputBenchmark", "BareKestrel", null, kestrelNs),
        new("DeliveryThroughputBenchmark", "WireMockStub", null, wireMockNs),
    ];
}
