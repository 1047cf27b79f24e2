using System.Globalization;
using System.Text;
using System.Text.Json;
using Stubble.Core;
using Stubble.Core.Builders;
using Stubble.Core.Settings;

namespace ParticleBlynk.ParticleCloud.Webhooks;

/// <summary>
/// Renders Particle webhook templates with mustache (Stubble): {{x}} HTML-escapes, {{{x}}} does not, dotted paths
/// (a.aa, c.0.ca), sections and inverted sections (P-WH "Variable substitution"). JSON values behave as in JavaScript,
/// because Particle parses the event data with JSON.parse before rendering.
/// </summary>
public sealed class WebhookTemplateRenderer
{
    private readonly StubbleVisitorRenderer _stubble;
    private readonly JsonNumberRendering _numbers;

    public WebhookTemplateRenderer(JsonNumberRendering numbers = JsonNumberRendering.JavaScript, HtmlEscaping escaping = HtmlEscaping.ParticleDocs)
    {
        _numbers = numbers;
        _stubble = new StubbleBuilder()
            .Configure(settings =>
            {
                settings.SetEncodingFunction(escaping == HtmlEscaping.MustacheJs ? EscapeMustacheJs : EscapeParticleDocs);
                settings.AddTruthyCheck<JsNumber>(n => n.Value != 0 && !double.IsNaN(n.Value));
                settings.AddTruthyCheck<string>(s => s.Length > 0);
                settings.AddTruthyCheck<JsBoolean>(b => b.Value);
                settings.AddValueGetter(typeof(JsArray), (value, key, _) =>
                    int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < ((JsArray)value).Count ? ((JsArray)value)[i] : null);
            })
            .Build();
    }

    /// <summary>Renders <paramref name="template"/> against <paramref name="view"/> (from <see cref="CreateView"/>).</summary>
    public string Render(string template, IReadOnlyDictionary<string, object?> view) =>
        template.Contains("{{", StringComparison.Ordinal)
            ? _stubble.Render(template, view, new RenderSettings { SkipRecursiveLookup = false, ThrowOnDataMiss = false, CultureInfo = CultureInfo.InvariantCulture })
            : template;

    /// <summary>
    /// The variables of one event: the event data's top-level keys when the data is a valid JSON object (otherwise none:
    /// a truncated payload renders {{t}} empty), overridden by the pre-defined PARTICLE_* variables (contracts.md §3.3).
    /// </summary>
    public IReadOnlyDictionary<string, object?> CreateView(ParticleEvent evt, int? productId)
    {
        var view = new JsObject();
        if (TryParseObject(evt.Data) is { } data)
        {
            foreach (var (key, value) in data)
            {
                view[key] = value;
            }
        }

        var published = evt.PublishedAtText;
        view["PARTICLE_DEVICE_ID"] = evt.CoreId;
        view["PARTICLE_EVENT_NAME"] = evt.Name;
        view["PARTICLE_EVENT_VALUE"] = evt.Data;
        view["PARTICLE_PUBLISHED_AT"] = published;
        view["PARTICLE_EVENT_ID"] = evt.Id;
        view["PRODUCT_ID"] = productId?.ToString(CultureInfo.InvariantCulture) ?? "";
        var whole = JsonSerializer.Serialize(new { name = evt.Name, data = evt.Data, ttl = evt.Ttl, published_at = published, coreid = evt.CoreId });
        view["PARTICLE_EVENT_JSON"] = whole;
        view["PARTICLE_EVENT_BASE64"] = System.Convert.ToBase64String(Encoding.UTF8.GetBytes(whole));

        // Legacy SPARK_* names still appear in Particle's own examples (P-WH "created_at": "{{SPARK_PUBLISHED_AT}}").
        view["SPARK_CORE_ID"] = evt.CoreId;
        view["SPARK_EVENT_NAME"] = evt.Name;
        view["SPARK_EVENT_VALUE"] = evt.Data;
        view["SPARK_PUBLISHED_AT"] = published;
        return view;
    }

    /// <summary>A JSON text as mustache variables, or null when it is not a valid JSON object.</summary>
    public JsObject? TryParseObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? (JsObject)Convert(document.RootElement)! : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new JsObject(), (o, p) =>
        {
            o[p.Name] = Convert(p.Value);
            return o;
        }),
        JsonValueKind.Array => new JsArray(element.EnumerateArray().Select(Convert)),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => new JsNumber(element.GetDouble(), element.GetRawText(), _numbers),
        JsonValueKind.True => JsBoolean.True,
        JsonValueKind.False => JsBoolean.False,
        _ => null,
    };

    private static string EscapeParticleDocs(string text) => Escape(text, mustacheJs: false);

    private static string EscapeMustacheJs(string text) => Escape(text, mustacheJs: true);

    private static string Escape(string text, bool mustacheJs)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '/' when mustacheJs => "&#x2F;",
                '`' when mustacheJs => "&#x60;",
                '=' when mustacheJs => "&#x3D;",
                _ => c.ToString(),
            });
        }

        return result.ToString();
    }
}

/// <summary>A JSON object as a mustache context; prints like JavaScript's String({}).</summary>
public sealed class JsObject : Dictionary<string, object?>
{
    public JsObject()
        : base(StringComparer.Ordinal)
    {
    }

    public override string ToString() => "[object Object]";
}

/// <summary>A JSON array: iterable by sections, indexable by dotted paths (c.0.ca), prints like Array.prototype.join.</summary>
public sealed class JsArray(IEnumerable<object?> items) : List<object?>(items)
{
    public override string ToString() => string.Join(",", this.Select(i => i switch
    {
        null => "",
        _ => i.ToString(),
    }));
}

/// <summary>A JSON true/false: prints "true"/"false" as JavaScript's String(b) does (a .NET bool prints "True"/"False").</summary>
public sealed record JsBoolean(bool Value)
{
    public static JsBoolean True { get; } = new(true);

    public static JsBoolean False { get; } = new(false);

    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A JSON number; prints as JavaScript would (3.141590 → 3.14159) or verbatim, per <see cref="JsonNumberRendering"/>.</summary>
public sealed record JsNumber(double Value, string Raw, JsonNumberRendering Rendering)
{
    public override string ToString() => Rendering == JsonNumberRendering.Verbatim ? Raw : Format(Value);

    /// <summary>ECMAScript Number::toString(10): shortest round-trip digits, exponent form below 1e-6 and from 1e21.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return "0";
        }

        var sign = value < 0 ? "-" : "";
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);

        // Digits and exponent of the shortest representation: parse "R" output into (digits, n) with value = 0.digits × 10^n.
        string mantissa = shortest;
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = shortest[..e];
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = point < 0 ? mantissa : mantissa[..point];
        var fracPart = point < 0 ? "" : mantissa[(point + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var n = intPart.Length + exponent - leadingZeros;
        digits = digits.TrimEnd('0');
        var k = digits.Length;

        string body;
        if (k <= n && n <= 21)
        {
            body = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            body = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            body = "0." + new string('0', -n) + digits;
        }
        else
        {
            var exp = n - 1;
            var expText = (exp >= 0 ? "+" : "-") + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
            body = k == 1 ? digits + "e" + expText : digits[..1] + "." + digits[1..] + "e" + expText;
        }

        return sign + body;
    }
}
