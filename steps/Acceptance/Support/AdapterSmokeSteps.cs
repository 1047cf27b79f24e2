using System.Globalization;
using ParticleBlynk.Gherkin;
using Reqnroll;

namespace ParticleBlynk.Acceptance.Support;

// TEMPORARY: proves the adapter end to end; deleted together with features/_adapter_smoke.feature.
[Binding]
public sealed class AdapterSmokeSteps(IReqnrollOutputHelper output)
{
    private string word = string.Empty;

    [Given("the word {string}")]
    public void GivenTheWord(string value) => word = value;

    [When("the word is extended with {string}")]
    public void WhenExtended(string suffix) => word += suffix;

    [Then("the word has {int} characters")]
    public void ThenLength(int length)
    {
        output.AttachText("journal.svg", $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"20\"><text x=\"0\" y=\"15\">{word}</text></svg>");
        File.Delete(output.AttachText("serial.txt", "boot\r\nword=" + word));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"word '{word}' has {word.Length} characters"));
        word.Length.Should().Be(length);
    }
}
