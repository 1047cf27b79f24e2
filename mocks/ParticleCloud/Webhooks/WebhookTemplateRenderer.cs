using System.Collections.Frozen;
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
    /// <summary>Compiled templates kept per renderer (the webhooks' templates; a bound against a caller rendering ever new ones).</summary>
    public const int MaxCompiledTemplates = 1024;

    private readonly StubbleVisitorRenderer _stubble;
    private readonly JsonNumberRendering _numbers;
    private readonly Func<string, string> _escape;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledTemplate?> _compiled = new(StringComparer.Ordinal);

    public WebhookTemplateRenderer(JsonNumberRendering numbers = JsonNumberRendering.JavaScript, HtmlEscaping escaping = HtmlEscaping.ParticleDocs)
    {
        _numbers = numbers;
        _escape = escaping == HtmlEscaping.MustacheJs ? EscapeMustacheJs : EscapeParticleDocs;
        _stubble = new StubbleBuilder()
            .Configure(settings =>
            {
                settings.SetEncodingFunction(_escape);
                settings.AddTruthyCheck<JsNumber>(n => n.Value != 0 && !double.IsNaN(n.Value));
                settings.AddTruthyCheck<string>(s => s.Length > 0);
                settings.AddTruthyCheck<JsBoolean>(b => b.Value);
                settings.AddTruthyCheck<JsLazyText>(t => t.ToString().Length > 0);
                // A name resolves only to what the event's JSON holds: an object's keys (Stubble's dictionary getter), an
                // array's indexes. Anything else is a missing key, printed "" (contracts.md §3). Never a .NET member: Stubble's
                // last getter reflects over any object, and {{Count}} printed the number of keys, {{Keys}} a .NET type name.
                settings.AddValueGetter(typeof(JsArray), (value, key, _) =>
                    int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < ((JsArray)value).Count ? ((JsArray)value)[i] : null);
                settings.AddValueGetter(typeof(object), (_, _, _) => null);
            })
            .Build();
    }

    /// <summary>
    /// Renders <paramref name="template"/> against <paramref name="view"/> (from <see cref="CreateView"/>). A template made
    /// only of text and plain variables ({{a}}, {{{a}}}, {{&amp;a}}, dotted paths) is compiled once and rendered without
    /// Stubble when every variable it names is present and not null in a <see cref="JsObject"/> view (what Stubble would
    /// print then); anything else — sections, comments, partials, delimiters, a missing or null value — is Stubble's.
    /// </summary>
    public string Render(string template, IReadOnlyDictionary<string, object?> view)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.Contains("{{", StringComparison.Ordinal))
        {
            return template;
        }

        if (view is JsObject js && Compiled(template) is { } compiled && compiled.TryRender(js, _escape) is { } fast)
        {
            return fast;
        }

        return RenderWithStubble(template, view);
    }

    /// <summary>Renders with Stubble alone, never the compiled path: the reference <see cref="Render"/> must agree with.</summary>
    public string RenderWithStubble(string template, IReadOnlyDictionary<string, object?> view) =>
        _stubble.Render(template, view, new RenderSettings { SkipRecursiveLookup = false, ThrowOnDataMiss = false, CultureInfo = CultureInfo.InvariantCulture });

    /// <summary>The template compiled (null: not a plain-variable template), cached per renderer (templates come from webhook definitions).</summary>
    private CompiledTemplate? Compiled(string template)
    {
        if (_compiled.TryGetValue(template, out var known))
        {
            return known;
        }

        var compiled = CompiledTemplate.TryCompile(template);
        if (_compiled.Count < MaxCompiledTemplates)
        {
            _compiled.TryAdd(template, compiled);
        }

        return compiled;
    }

    /// <summary>
    /// The variables of one event: the event data's top-level keys when the data is a valid JSON object (otherwise none:
    /// a truncated payload renders {{t}} empty), overridden by the pre-defined PARTICLE_* variables (contracts.md §3.3).
    /// </summary>
    private const int PredefinedVariables = 12; // PARTICLE_* (7), PRODUCT_ID, SPARK_* (4)

    // As JavaScript's JSON.stringify writes it: "\"" inside strings, not System.Text.Json's HTML-safe "\u0022" (nor \u003C…).
    private static readonly JsonSerializerOptions EventJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyDictionary<string, object?> CreateView(ParticleEvent evt, int? productId)
    {
        // The data's keys go straight into the view, sized once for them and the 12 pre-defined names (was: parsed into an
        // object of its own, copied, and the view grown 3 -> 7 -> 17 -> 37 buckets on every event).
        JsObject view;
        try
        {
            using var document = JsonDocument.Parse(evt.Data);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                view = new JsObject(root.GetPropertyCount() + PredefinedVariables);
                foreach (var property in root.EnumerateObject())
                {
                    view[property.Name] = Convert(property.Value);
                }
            }
            else
            {
                view = new JsObject(PredefinedVariables);
            }
        }
        catch (JsonException)
        {
            view = new JsObject(PredefinedVariables);
        }

        var published = evt.PublishedAtText;
        view["PARTICLE_DEVICE_ID"] = evt.CoreId;
        view["PARTICLE_EVENT_NAME"] = evt.Name;
        view["PARTICLE_EVENT_VALUE"] = evt.Data;
        view["PARTICLE_PUBLISHED_AT"] = published;
        view["PARTICLE_EVENT_ID"] = evt.Id;
        view["PRODUCT_ID"] = productId?.ToString(CultureInfo.InvariantCulture) ?? "";
        // The whole event as JSON and in base64: made only if a template prints them (the doc's webhook never does).
        var whole = new JsLazyText(() => JsonSerializer.Serialize(new { name = evt.Name, data = evt.Data, ttl = evt.Ttl, published_at = published, coreid = evt.CoreId }, EventJson));
        view["PARTICLE_EVENT_JSON"] = whole;
        view["PARTICLE_EVENT_BASE64"] = new JsLazyText(() => System.Convert.ToBase64String(Encoding.UTF8.GetBytes(whole.ToString())));

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

    private static readonly System.Buffers.SearchValues<char> ParticleDocsSpecials = System.Buffers.SearchValues.Create("&<>\"'");

    private static readonly System.Buffers.SearchValues<char> MustacheJsSpecials = System.Buffers.SearchValues.Create("&<>\"'/`=");

    private static string Escape(string text, bool mustacheJs)
    {
        if (text.AsSpan().IndexOfAny(mustacheJs ? MustacheJsSpecials : ParticleDocsSpecials) < 0)
        {
            return text; // nothing to escape (most values: numbers, tokens, timestamps)
        }

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

    public JsObject(int capacity)
        : base(capacity, StringComparer.Ordinal)
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

/// <summary>A pre-defined variable's text, made the first time a template prints it; prints as that text.</summary>
public sealed class JsLazyText(Func<string> make)
{
    private string? _text;

    public override string ToString() => _text ??= make();
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

/// <summary>
/// A template of text and plain variables only, split once: rendering it is string concatenation. <see cref="TryRender"/>
/// gives up (null: render with Stubble) whenever Stubble's own lookup could answer differently.
/// </summary>
internal sealed class CompiledTemplate
{
    private const string Sigils = "#^/!>=<$&{}";

    private readonly Part[] _parts;

    private CompiledTemplate(Part[] parts) => _parts = parts;

    /// <summary>The template split into text and variables, or null when it holds anything else (or is malformed).</summary>
    public static CompiledTemplate? TryCompile(string template)
    {
        var parts = new List<Part>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(new Part(template[i..], null, false));
                break;
            }

            if (open > i)
            {
                parts.Add(new Part(template[i..open], null, false));
            }

            string content;
            bool escape;
            if (string.CompareOrdinal(template, open, "{{{", 0, 3) == 0)
            {
                var close = template.IndexOf("}}}", open + 3, StringComparison.Ordinal);
                if (close < 0)
                {
                    return null;
                }

                content = template[(open + 3)..close];
                escape = false;
                i = close + 3;
            }
            else
            {
                var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return null;
                }

                content = template[(open + 2)..close].Trim();
                escape = !content.StartsWith('&');
                if (!escape)
                {
                    content = content[1..];
                }

                i = close + 2;
            }

            var name = content.Trim();
            if (name.Length == 0 || Sigils.Contains(name[0], StringComparison.Ordinal) || name.Any(c => char.IsWhiteSpace(c) || c is '{' or '}')
                || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
            {
                return null;
            }

            parts.Add(new Part(name, name.Split('.'), escape));
        }

        return new CompiledTemplate([.. parts]);
    }

    /// <summary>The rendered text, or null when a variable is missing, null, or not a plain JSON value of the view.</summary>
    public string? TryRender(JsObject view, Func<string, string> escape)
    {
        if (_parts.Length == 1)
        {
            return Text(_parts[0], view, escape);
        }

        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            if (Text(part, view, escape) is not { } piece)
            {
                return null;
            }

            text.Append(piece);
        }

        return text.ToString();
    }

    private static string? Text(Part part, JsObject view, Func<string, string> escape)
    {
        if (part.Path is null)
        {
            return part.Text;
        }

        var value = Resolve(view, part.Path);
        var text = value switch
        {
            string s => s,
            JsNumber or JsBoolean or JsObject or JsArray or JsLazyText => value.ToString(),
            _ => null, // missing, null, or a type Stubble might print otherwise
        };
        return text is null ? null : part.Escape ? escape(text) : text;
    }

    private static object? Resolve(JsObject view, string[] path)
    {
        object? current = view;
        foreach (var key in path)
        {
            switch (current)
            {
                // Stubble's getters answer only from the JSON (never a .NET member): a key found here is what it would print.
                case JsObject obj when obj.TryGetValue(key, out var value) && value is not null:
                    current = value;
                    break;
                case JsArray array when key.All(char.IsAsciiDigit) && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                                        && index < array.Count && array[index] is { } item:
                    current = item;
                    break;
                default:
                    return null;
            }
        }

        return current;
    }

    private readonly record struct Part(string Text, string[]? Path, bool Escape);
}
