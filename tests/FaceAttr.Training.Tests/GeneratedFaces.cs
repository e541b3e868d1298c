using FaceAttr.Training.Data;
using FaceAttr.Training.Network;
using FaceAttr.Training.Training;

namespace FaceAttr.Training.Tests;

/// <summary>Generated faces for training tests that need no real data: bright for "male", dark for "female", so there is something to learn.</summary>
internal static class GeneratedFaces
{
    /// <summary><paramref name="count"/> crops for a network of <paramref name="inputSize"/>, 20% held out; <paramref name="dataset"/> names each face's set (default "generated").</summary>
    public static TrainingData Create(int inputSize, int count, Func<int, string>? dataset = null)
    {
        var side = FaceCrops.SideFor(inputSize);
        var item = side * side * 3;
        var pixels = new byte[count * item];
        var random = new Random(5);
        var samples = new List<TrainingSample>();
        for (var i = 0; i < count; i++)
        {
            var male = i % 2;
            for (var k = 0; k < item; k++)
            {
                pixels[(i * item) + k] = (byte)((male * 120) + random.Next(100));
            }

            samples.Add(new TrainingSample
            {
                ImagePath = $"/generated/{i}.png",
                Dataset = dataset?.Invoke(i) ?? "generated",
                SplitKey = $"g:{i}",
                Gender = male,
                GenderWeight = 1,
                AgeYears = 20 + (male * 30),
                AgeWeight = 1,
                Binary = [.. Enumerable.Repeat((sbyte)-1, HeadSet.DefaultBinary.Count)],
                BinaryWeight = new float[HeadSet.DefaultBinary.Count],
            });
        }

        return TrainingData.FromCrops(samples, new FaceCrops(pixels, side, count), 0.2);
    }
}
