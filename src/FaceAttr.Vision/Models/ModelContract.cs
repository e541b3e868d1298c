using FaceAttr.Core.Bundles;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Vision.Models;

/// <summary>
/// Checks a loaded ONNX session against its manifest entry: input name, element type, layout and size;
/// every declared output's name, type and per-item size. Runs once at load so a wrong bundle fails fast.
/// </summary>
public static class ModelContract
{
    /// <summary>Throws <see cref="ModelContractException"/> naming the first mismatch.</summary>
    public static void Verify(InferenceSession session, ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(entry);
        var where = $"model '{entry.Id}' ({entry.File})";
        var input = entry.Input;
        if (!session.InputMetadata.TryGetValue(input.Name, out var inMeta))
        {
            throw new ModelContractException(
                $"{where}: manifest input '{input.Name}' is not in the ONNX graph (it has: {string.Join(", ", session.InputMetadata.Keys)})");
        }

        if (session.InputMetadata.Count != 1)
        {
            throw new ModelContractException($"{where}: the graph has {session.InputMetadata.Count} inputs; FaceAttr feeds exactly one image");
        }

        if (inMeta.ElementType != typeof(float))
        {
            throw new ModelContractException($"{where}: input '{input.Name}' is {inMeta.ElementType.Name}, the manifest implies float32");
        }

        var expected = input.Layout == TensorLayout.Nhwc
            ? new[] { input.Height, input.Width, input.Channels }
            : [input.Channels, input.Height, input.Width];
        var dims = inMeta.Dimensions;
        if (dims.Length != 4 || !dims.AsSpan(1).SequenceEqual(expected))
        {
            throw new ModelContractException(
                $"{where}: input '{input.Name}' has shape [{string.Join(",", dims)}] but the manifest says {input.Layout} " +
                $"{input.Width}x{input.Height}x{input.Channels} ([N,{string.Join(",", expected)}])");
        }

        if (input.DynamicBatch && dims[0] > 0)
        {
            throw new ModelContractException($"{where}: manifest says dynamic batch but the graph fixes it at {dims[0]}");
        }

        foreach (var output in entry.Outputs)
        {
            if (!session.OutputMetadata.TryGetValue(output.Name, out var outMeta))
            {
                throw new ModelContractException(
                    $"{where}: manifest output '{output.Name}' is not in the ONNX graph (it has: {string.Join(", ", session.OutputMetadata.Keys)})");
            }

            if (outMeta.ElementType != typeof(float))
            {
                throw new ModelContractException($"{where}: output '{output.Name}' is {outMeta.ElementType.Name}, expected float32");
            }

            var perItem = outMeta.Dimensions.Skip(1).Aggregate(1L, (a, d) => d > 0 ? a * d : -1);
            if (perItem > 0 && perItem != output.Size)
            {
                throw new ModelContractException(
                    $"{where}: output '{output.Name}' holds {perItem} values per item, the manifest says {output.Size}");
            }
        }
    }
}
