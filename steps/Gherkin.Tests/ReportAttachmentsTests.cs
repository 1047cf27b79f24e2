using Reqnroll;

namespace ParticleBlynk.Gherkin.Tests;

public sealed class ReportAttachmentsTests
{
    /// <summary>Records what Reqnroll would be given, and whether the file was there to be embedded at that moment.</summary>
    private sealed class RecordingOutput : IReqnrollOutputHelper
    {
        public List<(string Path, string Content)> Attached { get; } = [];

        public void AddAttachment(string filePath) => Attached.Add((filePath, File.ReadAllText(filePath)));

        public void WriteLine(string message)
        {
        }

        public void WriteLine(string format, params object[] args)
        {
        }
    }

    [Fact]
    public void Attaches_text_under_its_file_name_so_the_extension_picks_the_media_type()
    {
        // Given
        var output = new RecordingOutput();

        // When
        var path = output.AttachText("journal.svg", "<svg/>");

        // Then
        output.Attached.Should().ContainSingle().Which.Should().Be((path, "<svg/>"));
        Path.GetFileName(path).Should().Be("journal.svg");
    }

    [Fact]
    public void Refuses_to_attach_a_file_that_does_not_exist()
    {
        // Given
        var output = new RecordingOutput();

        // When
        var attach = () => output.AttachFile("no/such/transcript.txt");

        // Then
        attach.Should().Throw<FileNotFoundException>().WithMessage("*transcript.txt*does not exist*");
        output.Attached.Should().BeEmpty();
    }
}
