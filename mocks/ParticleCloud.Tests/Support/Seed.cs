namespace ParticleBlynk.ParticleCloud.Tests.Support;

/// <summary>Texts from the integration as published.</summary>
internal static class Seed
{
    /// <summary>The custom template of particle-blynk-integration.md "Webhook on the Particle Cloud", verbatim (whitespace included).</summary>
    public const string BlynkWebhookJson = """
        {
            "name": "blynk_particle",
            "event": "blynk_https_get",
            "url": "https://ny3.blynk.cloud/external/api/batch/update",
            "requestType": "GET",
            "noDefaults": true,
            "rejectUnauthorized": true,
            "query": 
            {
                "token": "{{t}}",
                "V6": "{{PARTICLE_PUBLISHED_AT}}",
                "V14": "{{v14}}", 
                "V15": "{{v15}}", 
                "V16": "{{v16}}",
                "V17": "{{v17}}"
             }
        } 
        """;

    public const string BlynkToken = "xw7ITVneg1DifRRQuPGcA7fJvV8-FAVl";
}
