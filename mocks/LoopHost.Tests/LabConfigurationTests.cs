using ParticleBlynk.Device;
using ParticleBlynk.Emulator;

namespace ParticleBlynk.LoopHost.Tests;

/// <summary>The lab file (mocks/Lab/README.md "Configuration file"): strict System.Text.Json, errors naming the key, the file and where.</summary>
public sealed class LabConfigurationTests : IDisposable
{
    private const string Board = """{ "id": "e00fce68d3b2a1c4f5e6a7b8", "name": "b", "platform": "Boron", "token": "abcdefghijklmnopqrstuvwxyz012345" }""";
    private const string Account = """{ "username": "lab@example.com", "accessTokens": [ "0123456789abcdef0123456789abcdef01234567" ] }""";

    private readonly string _directory = Directory.CreateTempSubdirectory("lab-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_demo_lab_loads_with_its_board_account_webhook_and_blynk_device()
    {
        // Given the demo file as the lab ships it (Lab/ beside SeedIntegration/)

        // When
        var lab = LabConfiguration.Load(LabConfiguration.DemoFile);

        // Then
        var board = lab.Devices.Should().ContainSingle().Subject;
        board.Id.Should().Be("e00fce68d3b2a1c4f5e6a7b8");
        board.Platform.Should().Be(Platforms.Boron);
        board.Sketch.Should().Be(SketchKind.Seed);
        board.PowerOn.Should().Be(PowerOn.AtStart);
        board.Owner.Should().Be("lab@example.com");
        lab.Particle.Accounts.Select(a => a.Username).Should().Equal("lab@example.com");
        lab.Particle.Webhooks.Should().ContainSingle("the doc's webhook, read from ../SeedIntegration/particle-webhook.json");
        lab.Blynk.Devices.Should().ContainSingle().Which.Token.Should().Be(board.Token, "the firmware carries the Blynk device's token, as the doc says");
        lab.Blynk.Webhooks.Should().ContainSingle().Which.Pin.Should().Be("V16");
        lab.ParticleToken.Should().NotBeNull();
        lab.Tokens().Should().Contain(lab.ParticleToken!).And.Contain(board.Token);
    }

    [Theory]
    [InlineData("top level", """{ "partcle": {} }""", "partcle", "$")]
    [InlineData("a board", $$"""{ "particle": { "accounts": [ {{Account}} ] }, "devices": [ { "id": "e00fce68d3b2a1c4f5e6a7b8", "name": "b", "platform": "Boron", "token": "abcdefghijklmnopqrstuvwxyz012345", "colour": "red" } ] }""", "colour", "$.devices[0]")]
    [InlineData("a Particle account", """{ "particle": { "accounts": [ { "username": "lab@example.com", "accessTokens": [], "password": "x" } ] } }""", "password", "$.particle.accounts[0]")]
    [InlineData("a Blynk datastream", """{ "blynk": { "templates": [ { "id": "TMPL4ej7--Xu_", "name": "T", "datastreams": [ { "pin": "V6", "type": "String" }, { "pin": "V14", "type": "Integer", "maximum": 5 } ] } ] } }""", "maximum", "$.blynk.templates[0].datastreams[1]")]
    [InlineData("the Blynk quota", """{ "blynk": { "quota": { "requests": 1, "window": "00:01:00", "burst": 2 } } }""", "burst", "$.blynk.quota")]
    public void An_unknown_key_is_an_error_naming_the_key_the_file_and_where_it_is(string where, string json, string key, string path)
    {
        // Given a lab file with a key the lab does not know
        var file = Write(json);

        // When
        var load = () => LabConfiguration.Load(file);

        // Then
        var error = load.Should().Throw<InvalidDataException>($"an unknown key in {where} is an error, not silently ignored").Which.Message;
        error.Should().StartWith(file + ":", "the error names the file").And.Contain($"unknown key \"{key}\" at {path}");
    }

    [Fact]
    public void An_invalid_value_is_an_error_naming_the_file_and_the_reason()
    {
        // Given a board whose id is not 24 lowercase hex characters
        var file = Write($$"""{ "particle": { "accounts": [ {{Account}} ] }, "devices": [ { "id": "E00FCE68D3B2A1C4F5E6A7B8", "name": "b", "platform": "Boron", "token": "abcdefghijklmnopqrstuvwxyz012345" } ] }""");

        // When
        var load = () => LabConfiguration.Load(file);

        // Then
        load.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(file + ":").And.Contain("'E00FCE68D3B2A1C4F5E6A7B8' is not 24 lowercase hex characters");
    }

    [Fact]
    public void A_wrong_type_is_an_error_naming_the_file_and_the_path()
    {
        // Given a board whose loop interval is not a time span
        var file = Write($$"""{ "particle": { "accounts": [ {{Account}} ] }, "devices": [ { "id": "e00fce68d3b2a1c4f5e6a7b8", "name": "b", "platform": "Boron", "token": "abcdefghijklmnopqrstuvwxyz012345", "loopInterval": 10 } ] }""");

        // When
        var load = () => LabConfiguration.Load(file);

        // Then
        load.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(file + ":").And.Contain("$.devices[0].loopInterval");
    }

    [Fact]
    public void Comments_trailing_commas_and_platform_ids_are_read_and_a_board_without_owner_goes_to_the_first_account()
    {
        // Given
        var file = Write($$"""
            {
              // a lab with one Argon, written by its PLATFORM_ID
              "particle": { "accounts": [ {{Account}}, ], },
              "devices": [ { "id": "e00fce68d3b2a1c4f5e6a7b8", "name": "b", "platform": 12, "token": "abcdefghijklmnopqrstuvwxyz012345", "sketch": "fixed", "powerOn": "manual", }, ],
            }
            """);

        // When
        var lab = LabConfiguration.Load(file);

        // Then
        var board = lab.Devices.Should().ContainSingle().Subject;
        board.Platform.Should().Be(Platforms.Argon);
        board.Sketch.Should().Be(SketchKind.Fixed);
        board.PowerOn.Should().Be(PowerOn.Manual);
        lab.ParticleWithBoards().Accounts.Single().Devices.Select(d => d.Id).Should().Equal(board.Id);
    }

    [Fact]
    public void A_board_needs_an_account_to_be_claimed_to()
    {
        // Given a board and no Particle account
        var file = Write($$"""{ "devices": [ {{Board}} ] }""");

        // When
        var load = () => LabConfiguration.Load(file);

        // Then
        load.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(file + ":").And.Contain("needs an owner");
    }

    private string Write(string json)
    {
        var file = Path.Combine(_directory, $"lab-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        return file;
    }
}
