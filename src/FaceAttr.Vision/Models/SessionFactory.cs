using FaceAttr.Core.Bundles;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Vision.Models;

/// <summary>ONNX Runtime threading and optimisation settings shared by every session.</summary>
public sealed record SessionSettings
{
    /// <summary>Intra-op threads per session (1 is fastest for small models on a 2–4 core board). Range 1–64.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Graph optimisation level.</summary>
    public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;
}

/// <summary>Opens ONNX sessions for bundle entries, checking file hash and contract before anything runs.</summary>
public static class SessionFactory
{
    /// <summary>
    /// Opens the model of <paramref name="entry"/> from <paramref name="bundleFolder"/>. The caller owns and
    /// disposes the returned session.
    /// </summary>
    /// <exception cref="ModelContractException">The file is missing, its hash differs, ONNX Runtime cannot load it, or its graph breaks the manifest.</exception>
    public static InferenceSession Open(string bundleFolder, ModelEntry entry, SessionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(settings);
        var path = ModelFile.Resolve(bundleFolder, entry);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = settings.Optimization,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelContractException($"model '{entry.Id}': ONNX Runtime cannot load {entry.File}: {ex.Message}", ex);
        }

        try
        {
            ModelContract.Verify(session, entry);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        return session;
    }
}
