namespace ParticleBlynk.BlynkCloud;

/// <summary>
/// TEST-ONLY: a documented contract fact the mock deliberately breaks, so that the contract probes' mutation self-test
/// (steps/Contracts, <c>scripts/contracts.sh --self-test</c>) can prove a probe notices. Never set one in a lab you test against.
/// Lab file: <c>"blynk": { "mutations": ["RedirectWithoutLocation"] }</c> (an unknown name is an error).
/// </summary>
public enum BlynkContractMutation
{
    /// <summary>The wrong-region 308 comes without its <c>Location</c> header (contracts.md §5.3).</summary>
    RedirectWithoutLocation,

    /// <summary>"Invalid token." comes as plain text, not <c>{"error":{"message":"Invalid token."}}</c> (contracts.md §5.1).</summary>
    InvalidTokenAsPlainText,
}

/// <summary>Applies <see cref="BlynkContractMutation"/>s to device HTTPS API answers; with none set, answers pass through untouched.</summary>
internal static class BlynkContractMutations
{
    public static DeviceApiResponse Apply(IReadOnlyList<BlynkContractMutation> mutations, DeviceApiResponse response)
    {
        if (mutations.Count == 0)
        {
            return response;
        }

        if (response.Status == 308 && mutations.Contains(BlynkContractMutation.RedirectWithoutLocation))
        {
            return response with { Location = null };
        }

        if (response.Status == 400 && mutations.Contains(BlynkContractMutation.InvalidTokenAsPlainText)
            && response.Body == DeviceApiResponse.Error(BlynkErrors.InvalidToken).Body)
        {
            return response with { Body = BlynkErrors.InvalidToken, ContentType = "text/plain" };
        }

        return response;
    }
}
