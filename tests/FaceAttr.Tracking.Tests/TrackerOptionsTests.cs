namespace FaceAttr.Tracking.Tests;

public sealed class TrackerOptionsTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new TrackerOptions();
        options.Validate();
        Assert.Equal(0.5, options.HalfLifeOf("expression"));
        Assert.Equal(options.HalfLifeSeconds, options.HalfLifeOf("gender"));
    }

    [Theory]
    [InlineData(nameof(TrackerOptions.IouThreshold))]
    [InlineData(nameof(TrackerOptions.ExitTimeoutSeconds))]
    [InlineData(nameof(TrackerOptions.MinDwellSeconds))]
    [InlineData(nameof(TrackerOptions.MotionWeight))]
    [InlineData(nameof(TrackerOptions.MaxPredictionSeconds))]
    [InlineData(nameof(TrackerOptions.MaxTracks))]
    [InlineData(nameof(TrackerOptions.HalfLifeSeconds))]
    [InlineData("HeadHalfLifeSeconds:smile")]
    [InlineData(nameof(TrackerOptions.HysteresisMargin))]
    [InlineData(nameof(TrackerOptions.AgeHysteresisYears))]
    [InlineData(nameof(TrackerOptions.UpdateIntervalSeconds))]
    [InlineData(nameof(TrackerOptions.MinProbabilityChange))]
    [InlineData(nameof(TrackerOptions.MinAgeChangeYears))]
    [InlineData(nameof(TrackerOptions.MinFaceSize))]
    [InlineData(nameof(TrackerOptions.MaxYaw))]
    [InlineData(nameof(TrackerOptions.MaxPitch))]
    [InlineData(nameof(TrackerOptions.MinSharpness))]
    public void ValidateNamesTheFieldOutOfRange(string field)
    {
        var options = field switch
        {
            nameof(TrackerOptions.IouThreshold) => new TrackerOptions { IouThreshold = float.NaN },
            nameof(TrackerOptions.ExitTimeoutSeconds) => new TrackerOptions { ExitTimeoutSeconds = 0 },
            nameof(TrackerOptions.MinDwellSeconds) => new TrackerOptions { MinDwellSeconds = -1 },
            nameof(TrackerOptions.MotionWeight) => new TrackerOptions { MotionWeight = 1.5f },
            nameof(TrackerOptions.MaxPredictionSeconds) => new TrackerOptions { MaxPredictionSeconds = 11 },
            nameof(TrackerOptions.MaxTracks) => new TrackerOptions { MaxTracks = 0 },
            nameof(TrackerOptions.HalfLifeSeconds) => new TrackerOptions { HalfLifeSeconds = 0 },
            "HeadHalfLifeSeconds:smile" => new TrackerOptions { HeadHalfLifeSeconds = new Dictionary<string, double> { ["smile"] = -1 } },
            nameof(TrackerOptions.HysteresisMargin) => new TrackerOptions { HysteresisMargin = 0.95f },
            nameof(TrackerOptions.AgeHysteresisYears) => new TrackerOptions { AgeHysteresisYears = 21 },
            nameof(TrackerOptions.UpdateIntervalSeconds) => new TrackerOptions { UpdateIntervalSeconds = -0.1 },
            nameof(TrackerOptions.MinProbabilityChange) => new TrackerOptions { MinProbabilityChange = 2 },
            nameof(TrackerOptions.MinAgeChangeYears) => new TrackerOptions { MinAgeChangeYears = -1 },
            nameof(TrackerOptions.MinFaceSize) => new TrackerOptions { MinFaceSize = -1 },
            nameof(TrackerOptions.MaxYaw) => new TrackerOptions { MaxYaw = 200 },
            nameof(TrackerOptions.MaxPitch) => new TrackerOptions { MaxPitch = -5 },
            nameof(TrackerOptions.MinSharpness) => new TrackerOptions { MinSharpness = float.PositiveInfinity },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(field, error.ParamName);
        Assert.Contains($"Tracker.{field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTrackerValidatesItsOptionsAndDeviceId()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceTracker("kiosk-1", new TrackerOptions { MaxTracks = 0 }));
        Assert.Throws<ArgumentException>(() => new FaceTracker(" "));
        Assert.Throws<ArgumentException>(() => new TrackerOptions { HeadHalfLifeSeconds = new Dictionary<string, double> { [""] = 1 } }.Validate());
    }
}
