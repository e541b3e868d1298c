using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace FaceAttr.Onnx.Tests.Quantization;

/// <summary>An ONNX Runtime session over an in-memory model, run on single float inputs (1 intra-op thread).</summary>
internal sealed class OrtModel : IDisposable
{
    private readonly InferenceSession _session;

    public OrtModel(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = level };
        _session = new InferenceSession(model.ToByteArray(), options);
    }

    public float[] Run(float[] input, long[] shape, string output)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [_session.InputNames[0]], [value], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
