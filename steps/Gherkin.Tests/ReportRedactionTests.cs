using Xunit.Sdk;

namespace ParticleBlynk.Gherkin.Tests;

public sealed class ReportRedactionTests
{
    private const string Token = "38bb7b318cc6898c80317decb34525844bc9db55";

    private sealed class MaskToken : IReportRedactor
    {
        public string Redact(string text) => text.Replace(Token, "38bb…db55", StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_assertion_naming_a_token_stays_an_assertion_with_the_token_masked()
    {
        // Given
        var failure = new XunitException($"Expected header to be \"Bearer {Token}\", but found \"Bearer 0000\".");

        // When
        var redacted = RedactingBindingInvoker.Redacted(failure, new MaskToken());

        // Then
        redacted.Should().BeOfType<RedactedAssertionException>().Which.Message.Should().Be("Expected header to be \"Bearer 38bb…db55\", but found \"Bearer 0000\".");
        redacted.Should().BeAssignableTo<XunitException>("a known-defect case still counts it as reproduced");
    }

    [Fact]
    public void A_harness_error_naming_a_token_stays_a_harness_error_that_says_its_type()
    {
        // Given
        var failure = new InvalidOperationException($"blynk_led answered 401 with token {Token}");

        // When
        var redacted = RedactingBindingInvoker.Redacted(failure, new MaskToken());

        // Then
        redacted.Should().BeOfType<RedactedFailureException>().Which.Message.Should().Be("InvalidOperationException: blynk_led answered 401 with token 38bb…db55");
        redacted.Should().NotBeAssignableTo<XunitException>("a crash in the harness must never pass as a reproduced defect");
    }

    [Fact]
    public void A_failure_without_a_token_is_left_as_it_is()
    {
        RedactingBindingInvoker.Redacted(new XunitException("Expected 2 publishes, saw 1."), new MaskToken()).Should().BeNull();
    }

    [Fact]
    public void A_skip_stays_a_skip()
    {
        RedactingBindingInvoker.Redacted(SkipException.ForSkip($"no board for token {Token}"), new MaskToken())
            .Should().BeOfType<SkipException>().Which.Message.Should().Contain("38bb…db55").And.NotContain(Token);
    }
}
