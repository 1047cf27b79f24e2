using ParticleBlynk.ParticleCloud.Tests.Support;

namespace ParticleBlynk.ParticleCloud.Tests;

/// <summary>
/// issue 12 (helper finding): the webhook wrapper of an options file — {"owner", "integration" | "integrationFile"} — is
/// strict like the rest of the file: every mistake is an error naming the file, the key and the JSON path.
/// </summary>
public sealed class WebhookWrapperConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wrapper-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_wrapper_with_an_integration_file_loads_it_relative_to_the_options_file()
    {
        // Given
        File.WriteAllText(Path.Combine(_directory, "hook.json"), Seed.BlynkWebhookJson);
        var path = Write("""{ "owner": "alice@example.com", "integrationFile": "hook.json" }""");

        // When
        var options = ParticleCloudOptions.LoadFile(path);

        // Then
        options.Webhooks.Should().ContainSingle().Which.Definition.Event.Should().Be("blynk_https_get");
    }

    [Fact]
    public void A_typo_next_to_integration_file_is_an_unknown_key_not_ignored()
    {
        File.WriteAllText(Path.Combine(_directory, "hook.json"), Seed.BlynkWebhookJson);
        var path = Write("""{ "owner": "alice@example.com", "integrationFile": "hook.json", "disabled": true }""");

        var load = () => ParticleCloudOptions.LoadFile(path);

        load.Should().Throw<InvalidDataException>().Which.Message.Should()
            .StartWith(path + ": ").And.Contain("unknown key \"disabled\" in a webhook").And.Contain("$.webhooks[0]");
    }

    [Theory]
    [InlineData("""{ "owner": "alice@example.com", "integrationFle": "hook.json" }""", "integrationFle")]
    [InlineData("""{ "integrationFle": "hook.json" }""", "integrationFle")]
    [InlineData("""{ "Owner": "alice@example.com", "integration": {} }""", "Owner")]
    public void A_misspelt_wrapper_key_is_named_with_the_file_and_the_path(string webhook, string key)
    {
        var path = Write(webhook);

        var load = () => ParticleCloudOptions.LoadFile(path);

        load.Should().Throw<InvalidDataException>().Which.Message.Should()
            .StartWith(path + ": ").And.Contain($"unknown key \"{key}\"").And.Contain("$.webhooks[0]").And.NotContain("needs \"event\"");
    }

    [Fact]
    public void A_missing_integration_file_is_named_with_the_options_file_and_the_path()
    {
        var path = Write("""{ "owner": "alice@example.com", "integrationFile": "nowhere.json" }""");

        var load = () => ParticleCloudOptions.LoadFile(path);

        load.Should().Throw<InvalidDataException>().Which.Message.Should()
            .StartWith(path + ": ").And.Contain(Path.Combine(_directory, "nowhere.json")).And.Contain("$.webhooks[0]");
    }

    [Fact]
    public void A_wrapper_with_both_or_neither_integration_is_an_error()
    {
        var both = Write("""{ "owner": "alice@example.com", "integration": {}, "integrationFile": "x.json" }""");
        var neither = Write("""{ "owner": "alice@example.com" }""");

        FluentActions.Invoking(() => ParticleCloudOptions.LoadFile(both)).Should().Throw<InvalidDataException>().WithMessage("*exactly one of \"integration\"*");
        FluentActions.Invoking(() => ParticleCloudOptions.LoadFile(neither)).Should().Throw<InvalidDataException>().WithMessage("*exactly one of \"integration\"*");
    }

    [Fact]
    public void An_integration_particle_would_refuse_is_named_with_the_file_and_the_path()
    {
        var path = Write("""{ "owner": "alice@example.com", "integration": { "url": "https://example.com" } }""");

        var load = () => ParticleCloudOptions.LoadFile(path);

        load.Should().Throw<InvalidDataException>().Which.Message.Should()
            .StartWith(path + ": ").And.Contain("\"integration\": A webhook needs \"event\"").And.Contain("$.webhooks[0]").And.NotContain("Parameter");
    }

    private string Write(string webhook)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$"""
            {
              "accounts": [ { "username": "alice@example.com", "accessTokens": ["{{CloudFixture.Token}}"] } ],
              "webhooks": [ {{webhook}} ]
            }
            """);
        return path;
    }
}
