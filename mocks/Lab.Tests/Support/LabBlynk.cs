using System.Diagnostics;

namespace ParticleBlynk.Lab.Tests.Support;

/// <summary>Reads the lab's Blynk datastreams over its HTTPS API (what a dashboard would show).</summary>
public static class LabBlynk
{
    /// <summary>Polls get?token&amp;pin until it answers <paramref name="expected"/> or the wall-clock bound passes; returns the last answer.</summary>
    public static async Task<string> WaitForValueAsync(LabReady lab, string pin, string expected, TimeSpan bound)
    {
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false });
        var watch = Stopwatch.StartNew();
        var last = "";
        while (watch.Elapsed < bound)
        {
            last = await http.GetStringAsync(new Uri($"{lab.BlynkUrl}/external/api/get?token={lab.BlynkToken}&{pin}"));
            if (last == expected)
            {
                return last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return last;
    }

    /// <summary>POST /v1/devices/{id}/blynk_led straight to the lab (to make the board republish).</summary>
    public static async Task<string> CallBlynkLedAsync(LabReady lab, string argument)
    {
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{lab.ParticleUrl}/v1/devices/{lab.DeviceId}/blynk_led"))
        {
            Content = new FormUrlEncodedContent([new("args", argument)]),
        };
        request.Headers.Authorization = new("Bearer", lab.ParticleToken);
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
