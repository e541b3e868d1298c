using FaceAttr.Core.Bundles;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Vision.Attributes;

/// <summary>
/// Runs one bundle model on a crop of an image: preallocated input and output buffers wrapped once in
/// OrtValues and bound once (RunWithBinding allocates nothing per call, where Run(names, values) allocates
/// about 400 bytes). Owns its session. Not thread-safe: one runner per worker.
/// </summary>
public sealed class ModelRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly float[] _input;
    private readonly float[][] _outputs;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    /// <summary>Opens and checks the model of <paramref name="entry"/> in <paramref name="bundleFolder"/>.</summary>
    public ModelRunner(string bundleFolder, ModelEntry entry, SessionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Entry = entry;
        _session = SessionFactory.Open(bundleFolder, entry, settings);
        _input = new float[TensorWriter.ItemLength(entry.Input)];
        long[] shape = entry.Input.Layout == TensorLayout.Nhwc
            ? [1, entry.Input.Height, entry.Input.Width, entry.Input.Channels]
            : [1, entry.Input.Channels, entry.Input.Height, entry.Input.Width];
        _inputValues = [OrtValue.CreateTensorValueFromMemory(_input, shape)];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(entry.Input.Name, _inputValues[0]);
        _outputs = new float[entry.Outputs.Count][];
        _outputValues = new OrtValue[entry.Outputs.Count];
        for (var i = 0; i < entry.Outputs.Count; i++)
        {
            var dims = _session.OutputMetadata[entry.Outputs[i].Name].Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
            dims[0] = 1;
            _outputs[i] = new float[entry.Outputs[i].Size];
            _outputValues[i] = OrtValue.CreateTensorValueFromMemory(_outputs[i], dims);
            _binding.BindOutput(entry.Outputs[i].Name, _outputValues[i]);
        }
    }

    /// <summary>The manifest entry of the model.</summary>
    public ModelEntry Entry { get; }

    /// <summary>Fills the input from <paramref name="crop"/> of <paramref name="image"/> and runs the model.</summary>
    public void Run(RgbImage image, in Affine2D crop)
    {
        TensorWriter.Write(image, crop, Entry.Input, _input);
        _session.RunWithBinding(_runOptions, _binding);
    }

    /// <summary>The values of output <paramref name="index"/> (manifest order) from the last run.</summary>
    public ReadOnlySpan<float> Output(int index) => _outputs[index];

    /// <summary>The input tensor of the last run (for tests and debugging).</summary>
    public ReadOnlySpan<float> Input => _input;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var v in _inputValues)
        {
            v.Dispose();
        }

        foreach (var v in _outputValues)
        {
            v.Dispose();
        }

        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
