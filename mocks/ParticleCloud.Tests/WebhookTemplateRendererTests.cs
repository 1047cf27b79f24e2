using ParticleBlynk.ParticleCloud.Webhooks;

namespace ParticleBlynk.ParticleCloud.Tests;

/// <summary>The examples of P-WH "Variable substitution", verbatim.</summary>
public sealed class WebhookTemplateRendererTests
{
    private const string Data = """
        {
            "a": {
                "aa":"testing",
                "ab":1234
            },
            "b": "xxx",
            "c": [
                {
                    "ca":"first",
                    "cb":123
                },
                {
                    "ca":"second",
                    "cb":456
                }
            ]
        }
        """;

    [Theory]
    [InlineData("{{{a.aa}}}", "testing")]
    [InlineData("{{{a.ab}}}", "1234")]
    [InlineData("{{{b}}}", "xxx")]
    [InlineData("{{{c.0.ca}}}", "first")]
    [InlineData("{{{c.1.cb}}}", "456")]
    [InlineData("{{#b}}{{{b}}}{{/b}}{{^b}}Missing{{/b}}", "xxx")]
    [InlineData("{{#z}}{{{z}}}{{/z}}{{^z}}Missing{{/z}}", "Missing")]
    [InlineData("{{#c}}{{{ca}}}~{{/c}}", "first~second~")]
    [InlineData("{{missing}}", "")]
    public void Renders_the_webhook_reference_examples(string template, string expected)
    {
        // Given
        var renderer = new WebhookTemplateRenderer();
        var view = renderer.TryParseObject(Data)!;

        // When
        var result = renderer.Render(template, view);

        // Then
        result.Should().Be(expected);
    }

    [Theory]
    [InlineData(HtmlEscaping.ParticleDocs, "{{x}}", "&amp;&lt;&gt;&quot;&#39;/`=")]
    [InlineData(HtmlEscaping.MustacheJs, "{{x}}", "&amp;&lt;&gt;&quot;&#39;&#x2F;&#x60;&#x3D;")]
    [InlineData(HtmlEscaping.ParticleDocs, "{{{x}}}", "&<>\"'/`=")]
    public void Double_braces_html_escape_and_triple_braces_do_not(HtmlEscaping escaping, string template, string expected)
    {
        // Given
        var renderer = new WebhookTemplateRenderer(escaping: escaping);
        var view = renderer.TryParseObject("""{"x":"&<>\"'/`="}""")!;

        // When
        var result = renderer.Render(template, view);

        // Then
        result.Should().Be(expected);
    }

    [Theory]
    [InlineData(3.14159, "3.14159")]
    [InlineData(1000.0, "1000")]
    [InlineData(4294967295.0, "4294967295")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    public void Numbers_print_as_javascript_prints_them(double value, string expected)
    {
        // When
        var text = JsNumber.Format(value);

        // Then
        text.Should().Be(expected);
    }

    [Fact]
    public void Zero_and_empty_string_are_falsy_in_sections_as_in_mustache_js()
    {
        // Given
        var renderer = new WebhookTemplateRenderer();
        var view = renderer.TryParseObject("""{"n":0,"s":"","t":true}""")!;

        // When
        var result = renderer.Render("{{#n}}N{{/n}}{{#s}}S{{/s}}{{#t}}T{{/t}}", view);

        // Then
        result.Should().Be("T");
    }

    [Fact]
    public void Booleans_print_as_javascript_prints_them_and_stay_usable_in_sections()
    {
        // Given: mustache.js (Particle's renderer is JavaScript) prints String(true) = "true"
        var renderer = new WebhookTemplateRenderer();
        var view = renderer.TryParseObject("""{"t":true,"f":false,"a":[true,false]}""")!;

        // When
        var result = renderer.Render("{{t}}|{{{f}}}|{{a}}|{{#t}}T{{/t}}{{#f}}F{{/f}}{{^f}}notF{{/f}}", view);

        // Then
        result.Should().Be("true|false|true,false|TnotF");
    }
}
