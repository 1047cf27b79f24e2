using System.Net;
using ParticleBlynk.LoopHost.Tests.Support;

namespace ParticleBlynk.LoopHost.Tests.Control;

/// <summary>The control API answers only under /lab/v1 and only with the run's token (mocks/Lab/Program.cs prints it in READY only).</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private InProcessLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await InProcessLab.StartAsync();

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task A_request_without_a_token_gets_401_with_a_bearer_challenge_and_a_json_reason()
    {
        // Given no Authorization header

        // When
        var answer = await _lab.SendAsync(HttpMethod.Get, "sessions", authorization: "");

        // Then
        answer.Status.Should().Be(HttpStatusCode.Unauthorized, answer.ToString());
        answer.WwwAuthenticate.Should().Equal("Bearer");
        answer.Error.Should().Contain("invalid_token").And.Contain("Bearer");
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("prefix")]
    [InlineData("scheme")]
    [InlineData("extra")]
    public async Task A_wrong_token_gets_401(string how)
    {
        // Given a token that is not the run's: another value, the run's token cut short, another scheme, or the token with more after it
        var token = _lab.Server.Token;
        var authorization = how switch
        {
            "wrong" => "Bearer " + Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
            "prefix" => "Bearer " + token[..^1],
            "scheme" => "Basic " + token,
            _ => "Bearer " + token + "x",
        };

        // When
        var answer = await _lab.SendAsync(HttpMethod.Get, "sessions", authorization: authorization);

        // Then
        answer.Status.Should().Be(HttpStatusCode.Unauthorized, answer.ToString());
        answer.WwwAuthenticate.Should().Equal("Bearer");
        answer.Error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task The_runs_token_opens_the_api()
    {
        // Given the token of the run

        // When
        var answer = await _lab.SendAsync(HttpMethod.Get, "sessions");

        // Then
        answer.Status.Should().Be(HttpStatusCode.OK, answer.ToString());
        answer.Body.Should().Be("[]", "a lab with no session lists none");
    }

    [Theory]
    [InlineData("//")]
    [InlineData("//sessions")]
    [InlineData("//lab/v2/sessions")]
    [InlineData("//lab/v1sessions")]
    public async Task A_path_outside_lab_v1_is_404_even_with_the_token(string path)
    {
        // Given the run's token

        // When
        var answer = await _lab.SendAsync(HttpMethod.Get, path);

        // Then
        answer.Status.Should().Be(HttpStatusCode.NotFound, answer.ToString());
        answer.Error.Should().Contain("/lab/v1");
    }

    [Fact]
    public async Task A_path_outside_lab_v1_is_404_without_a_token_too_and_gives_no_challenge()
    {
        // Given no token

        // When
        var answer = await _lab.SendAsync(HttpMethod.Get, "//metrics", authorization: "");

        // Then
        answer.Status.Should().Be(HttpStatusCode.NotFound, answer.ToString());
        answer.WwwAuthenticate.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_path_under_lab_v1_needs_the_token_before_it_is_404()
    {
        // Given

        // When
        var without = await _lab.SendAsync(HttpMethod.Get, "nothing-here", authorization: "");
        var with = await _lab.SendAsync(HttpMethod.Get, "nothing-here");

        // Then the API does not tell strangers which paths exist
        without.Status.Should().Be(HttpStatusCode.Unauthorized, without.ToString());
        with.Status.Should().Be(HttpStatusCode.NotFound, with.ToString());
    }
}
