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

    [Theory]
    [InlineData("{{Count}}|{{Keys}}|{{Values}}|{{Comparer}}|{{ToString}}|{{GetType}}", "|||||")]
    [InlineData("{{c.Count}}|{{c.Capacity}}|{{a.Count}}|{{t.Length}}|{{n.Value}}|{{PARTICLE_EVENT_NAME.Length}}|{{c.0.Count}}", "||||||")]
    [InlineData("{{#Count}}has{{/Count}}{{^Keys}}none{{/Keys}}", "none")]
    [InlineData("{{#a}}{{aa}}/{{t}}/{{Count}}{{/a}}", "x/ab/")]
    [InlineData("{{mine.Count}}={{#mine}}{{Count}}{{/mine}}", "=")]
    public void A_name_the_event_JSON_does_not_hold_prints_nothing_even_when_it_is_a_dotnet_member(string template, string expected)
    {
        // Given an event whose JSON holds none of those names (the mock's views are .NET dictionaries and lists)
        var renderer = new WebhookTemplateRenderer();
        var view = renderer.CreateView(new ParticleEvent("evt", """{"t":"ab","c":[{"ca":"first"},{"ca":"second"}],"a":{"aa":"x"},"n":5,"mine":{}}""",
            DateTimeOffset.UnixEpoch, "e00fce68d3b2a1c4f5e6a7b8", 60, "1", "x"), 123);

        // When
        var rendered = renderer.Render(template, view);

        // Then: a missing key is an empty string (contracts.md §3), as for any other name; Stubble reflected over the view
        // and printed the key count for {{Count}} and .NET type names for {{Keys}}
        rendered.Should().Be(expected);
        renderer.RenderWithStubble(template, view).Should().Be(expected);
    }

    [Fact]
    public void The_whole_event_prints_as_JavaScript_writes_its_JSON_and_as_base64_of_that_JSON_in_sections_too()
    {
        // Given
        var renderer = new WebhookTemplateRenderer();
        var view = renderer.CreateView(new ParticleEvent("evt", """{"v":"<1&2>"}""", DateTimeOffset.UnixEpoch, "e00fce68d3b2a1c4f5e6a7b8", 60, "1", "x"), 123);
        const string json = """{"name":"evt","data":"{\"v\":\"<1&2>\"}","ttl":60,"published_at":"1970-01-01T00:00:00.000Z","coreid":"e00fce68d3b2a1c4f5e6a7b8"}""";

        // When
        var printed = renderer.Render("{{{PARTICLE_EVENT_JSON}}}|{{PARTICLE_EVENT_BASE64}}|{{#PARTICLE_EVENT_JSON}}has{{/PARTICLE_EVENT_JSON}}{{^PARTICLE_EVENT_BASE64}}none{{/PARTICLE_EVENT_BASE64}}", view);

        // Then
        printed.Should().Be(json + "|" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)) + "|has");
    }

    [Fact]
    public void A_key_named_like_a_dotnet_member_prints_its_value()
    {
        // Given
        var renderer = new WebhookTemplateRenderer();
        var view = renderer.TryParseObject("""{"Count":"mine","Keys":7,"c":[1,2]}""")!;

        // When
        var result = renderer.Render("{{Count}} {{Keys}} {{c.1}} {{c.Count}}", view);

        // Then
        result.Should().Be("mine 7 2 ");
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

    /// <summary>
    /// Plain-variable templates are rendered without Stubble (compiled once); whatever the template, the text must be
    /// Stubble's own — rendered here by Stubble alone.
    /// </summary>
    [Theory]
    [InlineData("{{t}}")]
    [InlineData("{{{t}}}")]
    [InlineData("{{& t}}")]
    [InlineData("{{ t }}|{{{ t }}}|{{&t}}")]
    [InlineData("token={{t}}&v={{v14}}&f={{v15}}&b={{ok}}&n={{nothing}}")]
    [InlineData("{{html}} {{{html}}} {{&html}}")]
    [InlineData("{{a}} {{a.aa}} {{a.ab}} {{c}} {{c.0}} {{c.1.cb}} {{c.2}} {{c.x}} {{c.Count}}")]
    [InlineData("{{Count}} {{Keys}} {{Values}} {{Comparer}} {{ToString}}")]
    [InlineData("{{PARTICLE_EVENT_NAME}}/{{PARTICLE_DEVICE_ID}}/{{{PARTICLE_PUBLISHED_AT}}}/{{PARTICLE_EVENT_VALUE}}")]
    [InlineData("{{{PARTICLE_EVENT_JSON}}} {{PARTICLE_EVENT_JSON}} {{PARTICLE_EVENT_BASE64}} {{PRODUCT_ID}} {{SPARK_CORE_ID}}")]
    [InlineData("{{t.length}} {{b.x}} {{.}} {{a.}} {{..}}")]
    [InlineData("{{#ok}}yes{{/ok}}{{^ok}}no{{/ok}} {{! comment }}x{{=<% %>=}}<%t%>")]
    [InlineData("unclosed {{t")]
    [InlineData("{{{t}}")]
    [InlineData("{{t}}}")]
    [InlineData("{{}} {{ }}")]
    [InlineData("{{zero}} {{neg}} {{big}} {{small}} {{exp}}")]
    public void Compiled_templates_render_as_Stubble_does(string template)
    {
        foreach (var escaping in new[] { HtmlEscaping.ParticleDocs, HtmlEscaping.MustacheJs })
        {
            foreach (var numbers in new[] { JsonNumberRendering.JavaScript, JsonNumberRendering.Verbatim })
            {
                // Given
                var renderer = new WebhookTemplateRenderer(numbers, escaping);
                var data = """
                    {"t":"ab/c=d`e","v14":12345,"v15":1.650000,"ok":true,"nothing":null,"html":"<a href='x'>&\"</a>",
                     "a":{"aa":"testing","ab":1234},"c":[{"ca":"first","cb":123},{"ca":"second","cb":456}],"b":"xxx",
                     "Count":"mine","Keys":"k","zero":0,"neg":-0.5,"big":1e21,"small":1e-7,"exp":2.50e3}
                    """;
                var view = renderer.CreateView(new ParticleEvent("evt", data, DateTimeOffset.UnixEpoch, "e00fce68d3b2a1c4f5e6a7b8", 60, "1", "x"), 123);

                // When
                string Render(Func<string, IReadOnlyDictionary<string, object?>, string> render)
                {
                    try
                    {
                        return render(template, view);
                    }
                    catch (Exception ex)
                    {
                        return "threw " + ex.GetType().Name;
                    }
                }

                // Then
                Render(renderer.Render).Should().Be(Render(renderer.RenderWithStubble), $"{template} ({escaping}, {numbers})");
                Render(renderer.Render).Should().Be(Render(renderer.RenderWithStubble), "a second render (from the cache) too");
            }
        }
    }
}
