namespace FaceAttr.Device.Tests;

public sealed class BoardInfoTests
{
    [Theory]
    [InlineData("pi5", "Raspberry Pi 5 Model B Rev 1.0", BoardFamily.RaspberryPi5)]
    [InlineData("pi4", "Raspberry Pi 4 Model B Rev 1.5", BoardFamily.RaspberryPi4)]
    [InlineData("jetson-nano", "NVIDIA Jetson Nano Developer Kit", BoardFamily.JetsonNano)]
    [InlineData("jetson-orin-nano", "NVIDIA Jetson Orin Nano Developer Kit", BoardFamily.JetsonOrin)]
    public void Reads_the_model_without_its_trailing_nul(string board, string model, BoardFamily family)
    {
        var info = BoardInfo.Read(Fixtures.PathsFor(board));
        Assert.Equal(new BoardInfo(model, family), info);
    }

    [Fact]
    public void Missing_device_tree_is_an_unknown_board_not_an_error()
    {
        var info = BoardInfo.Read(new BoardPaths { DeviceTreeModel = Path.Combine(Fixtures.Root("pi5"), "no-such-file") });
        Assert.Equal(new BoardInfo(null, BoardFamily.Unknown), info);
    }

    [Theory]
    [InlineData("Raspberry Pi 400 Rev 1.0", BoardFamily.RaspberryPi4)]
    [InlineData("Raspberry Pi Compute Module 4 Rev 1.1", BoardFamily.RaspberryPi4)]
    [InlineData("Raspberry Pi 500 Rev 1.0", BoardFamily.RaspberryPi5)]
    [InlineData("Raspberry Pi Compute Module 5 Rev 1.0", BoardFamily.RaspberryPi5)]
    [InlineData("Raspberry Pi 3 Model B Plus Rev 1.3", BoardFamily.RaspberryPi)]
    [InlineData("Raspberry Pi Zero 2 W Rev 1.0", BoardFamily.RaspberryPi)]
    [InlineData("Jetson AGX Orin", BoardFamily.JetsonOrin)]
    [InlineData("NVIDIA Jetson Xavier NX Developer Kit", BoardFamily.Jetson)]
    [InlineData("Radxa ROCK 5B", BoardFamily.Unknown)]
    public void Classifies_other_models_by_their_soc(string model, BoardFamily family) =>
        Assert.Equal(family, BoardInfo.Classify(model));
}
