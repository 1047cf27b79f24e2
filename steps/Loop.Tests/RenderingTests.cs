using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;

namespace ParticleBlynk.Loop.Tests;

public sealed class SequenceDiagramTests
{
    [Fact]
    public void Each_hop_becomes_one_arrow_between_the_lanes_of_its_leg_coloured_by_outcome()
    {
        // Given
        var journal = new Journal(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        journal.Record(new Hop { Kind = HopKind.Publish, Source = "device", Target = "Particle Cloud", EventName = "blynk_https_get", Payload = "{\"t\":\"<&>\"}" });
        journal.Record(new Hop
        {
            Kind = HopKind.WebhookResponse, Source = "webhook blynk_particle", Target = "ny3.blynk.cloud", EventName = "blynk_https_get", Payload = "token=x",
            Outcome = HopOutcome.Rejected, Reason = "400 Invalid token.", Http = new HttpExchange("GET", "https://ny3.blynk.cloud/external/api/batch/update") { Status = 400 },
        });
        journal.Record(new Hop { Kind = HopKind.DatastreamWrite, Source = "Blynk Cloud", Target = "datastreams", Payload = "V14=1000" });

        // When
        var svg = SequenceDiagram.RenderSvg(journal.Hops, "Boot publish");

        // Then
        var doc = XDocument.Parse(svg); // well-formed: payload text is escaped
        XNamespace ns = "http://www.w3.org/2000/svg";
        var arrows = doc.Descendants(ns + "g").ToList();
        arrows.Should().HaveCount(3);
        arrows[0].Element(ns + "line")!.Attribute("stroke")!.Value.Should().Be("#1b7f3b");
        arrows[1].Element(ns + "line")!.Attribute("stroke")!.Value.Should().Be("#c62828");
        arrows[2].Element(ns + "path").Should().NotBeNull("L3 happens inside the Blynk Cloud: a self-arrow");
        arrows[0].Value.Should().Contain("{\"t\":\"<&>\"}");
        svg.Should().Contain("00:00:00.000 L2 c1 answer 400 [7 B] Rejected");
    }

    [Fact]
    public void An_empty_journal_still_renders_a_valid_diagram_saying_so()
    {
        // When
        var svg = SequenceDiagram.RenderSvg([], "nothing happened");

        // Then
        XDocument.Parse(svg).Root!.Name.LocalName.Should().Be("svg");
        svg.Should().Contain("no hops recorded");
    }

    [Fact]
    public void The_diagram_shows_tokens_only_masked()
    {
        // Given
        var token = "xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl";
        var hop = new Hop { Kind = HopKind.DatastreamWrite, Source = "HTTPS API client", Target = "ny3.blynk.cloud", Payload = $"token={token}&V14=1" };

        // When
        var svg = SequenceDiagram.RenderSvg([hop], $"token {token}", new Secrets(token));

        // Then (the title is the scenario's, which names no token; the payload is masked)
        svg.Should().Contain("xw7I…FAVl");
        svg.Replace($"token {token}", "", StringComparison.Ordinal).Should().NotContain(token);
    }
}

public sealed class SecretsAndCleanTextTests
{
    [Theory]
    [InlineData("38bb7b318cc6898c80317decb34525844bc9db55", "38bb…db55")]
    [InlineData("xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl", "xw7I…FAVl")]
    public void A_token_shows_its_first_and_last_four_characters(string token, string masked) =>
        new Secrets(token).Redact($"Bearer {token}, again {token}").Should().Be($"Bearer {masked}, again {masked}");

    [Fact]
    public void Short_values_are_not_secrets()
    {
        new Secrets("abc", null, "").Redact("abc").Should().Be("abc");
    }

    [Fact]
    public void A_token_inside_a_longer_token_is_masked_whole()
    {
        var secrets = new Secrets("abcdefgh12345678", "abcdefgh12345678ZZZZZZZZ");
        secrets.Redact("abcdefgh12345678ZZZZZZZZ").Should().Be("abcd…ZZZZ");
    }

    [Theory]
    [InlineData("ok\nFORGED", "ok\\nFORGED")]
    [InlineData("a\rb\tc", "a\\rb\\tc")]
    [InlineData("bell\u0007", "bell\\u0007")]
    [InlineData("pair 😀 kept", "pair 😀 kept")]
    public void Control_characters_are_escaped(string raw, string clean) => CleanText.Line(raw).Should().Be(clean);

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_kept()
    {
        // Built here: an attribute argument cannot carry a lone surrogate intact.
        var lone = "lone " + (char)0xD800 + " surrogate";
        CleanText.Line(lone).Should().Be("lone \\ud800 surrogate");
    }

    [Fact]
    public void A_long_value_is_cut_and_says_how_long_it_was()
    {
        var line = CleanText.Line(new string('x', 10_000), limit: 100);
        line.Should().Be(new string('x', 100) + "…(10000 bytes)");
    }

    [Fact]
    public void A_value_cut_twice_keeps_the_length_it_first_stated()
    {
        var stored = CleanText.Cut("é" + new string('x', 10_485_759), 1_000);
        stored.Should().EndWith("…(10485761 bytes)", "é is two bytes in UTF-8");
        CleanText.Line(stored, 10).Should().Be("é" + new string('x', 9) + "…(10485761 bytes)");
        CleanText.StatedBytes(stored!).Should().Be(10_485_761);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        CleanText.Cut("ab😀cd", 3).Should().Be("ab…(8 bytes)");
    }
}

public sealed class CapabilityTagTests
{
    [Fact]
    public void Needs_tags_declare_capabilities_with_or_without_the_at_sign()
    {
        Capabilities.Declared(["@L1", "needs:virtual-time", "@needs:cloud-internals", "echo"])
            .Should().BeEquivalentTo([Capability.VirtualTime, Capability.CloudInternals]);
    }

    [Fact]
    public void An_unknown_needs_tag_is_an_error_naming_the_known_ones()
    {
        var declared = () => Capabilities.Declared(["@needs:time-travel"]);
        declared.Should().Throw<ArgumentException>().WithMessage("*@needs:time-travel*@needs:virtual-time*");
    }

    [Theory]
    [InlineData(Capability.VirtualTime, "needs:virtual-time")]
    [InlineData(Capability.FaultInjection, "needs:fault-injection")]
    [InlineData(Capability.DeviceControl, "needs:device-control")]
    [InlineData(Capability.LedReadback, "needs:led-readback")]
    [InlineData(Capability.CloudInternals, "needs:cloud-internals")]
    [InlineData(Capability.Browser, "needs:browser")]
    public void Every_capability_has_one_tag(Capability capability, string tag) => Capabilities.Tag(capability).Should().Be(tag);
}

public sealed class WireJsonTests
{
    [Fact]
    public void A_lab_spec_travels_with_its_platform_by_name_and_comes_back_equal()
    {
        // Given
        var spec = LabSpec.Standard() with { Platform = ParticleBlynk.Device.Platforms.Photon2, Firmware = FirmwareKind.Fixed, DeviceOsVersion = new Version(4, 2, 0) };

        // When
        var json = WireJson.Serialize(spec);
        var back = WireJson.Deserialize<LabSpec>(json);

        // Then
        json.Should().Contain("\"platform\":\"Photon 2\"").And.Contain("\"firmware\":\"Fixed\"");
        back.Should().Be(spec);
    }

    [Fact]
    public void A_hop_travels_with_its_http_exchange_and_comes_back_equal()
    {
        // Given
        var hop = new Hop
        {
            Sequence = 7, At = new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero), Leg = Leg.L2, Kind = HopKind.WebhookResponse, Source = "s", Target = "t",
            Correlation = "c3", Outcome = HopOutcome.Rejected, Duration = TimeSpan.FromMilliseconds(12), Revision = 1,
            Http = new HttpExchange("GET", "https://ny3.blynk.cloud/external/api/batch/update?token=x&V14=1") { Status = 308, Location = "https://fra1.blynk.cloud/x" },
        };

        // When
        var back = WireJson.Deserialize<Hop>(WireJson.Serialize(hop));

        // Then
        back.Should().BeEquivalentTo(hop);
        back.Http!.Query.Should().Equal(KeyValuePair.Create("token", "x"), KeyValuePair.Create("V14", "1"));
    }
}
