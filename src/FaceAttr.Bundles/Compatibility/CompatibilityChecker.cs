using System.Diagnostics;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Updating;
using FaceAttr.Bundles.Versioning;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Bundles.Compatibility;

/// <summary>
/// Decides whether an unpacked bundle can run on this device, before it is installed: the manifest parses
/// and agrees with the signed name and version; its taxonomy and lowest runtime version fit; every model
/// opens in ONNX Runtime with the right hash and the inputs/outputs its manifest entry declares
/// (<see cref="ModelContract"/>); and a test inference on <see cref="TestPattern"/> gives finite outputs of
/// the declared size within the range their kind allows (probabilities in [0, 1], softmaxes summing to 1,
/// ages in years). Stops at the first failure with a reason naming the model and output.
/// </summary>
public sealed class CompatibilityChecker
{
    private readonly CompatibilityOptions _options;

    /// <summary>Creates a checker.</summary>
    public CompatibilityChecker(CompatibilityOptions? options = null)
    {
        _options = options ?? new CompatibilityOptions();
    }

    /// <summary>Checks the bundle in <paramref name="bundleFolder"/>.</summary>
    /// <param name="bundleFolder">The unpacked bundle.</param>
    /// <param name="signed">The verified signature, whose name and version the manifest must repeat; null to skip that check.</param>
    /// <param name="cancellationToken">Checked between models.</param>
    /// <exception cref="UpdateException">Stage check, with the failure code and a reason.</exception>
    public CompatibilityReport Check(string bundleFolder, BundleSignature? signed = null, CancellationToken cancellationToken = default)
    {
        var manifest = ReadManifest(bundleFolder);
        CheckVersions(manifest, signed);
        var checks = new List<ModelCheck>();
        foreach (var entry in manifest.Models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            checks.Add(CheckModel(bundleFolder, entry));
        }

        return new CompatibilityReport(manifest.Name, manifest.Version, checks);
    }

    private static BundleManifest ReadManifest(string folder)
    {
        try
        {
            return ManifestSerializer.ReadFromFolder(folder);
        }
        catch (BundleFormatException ex)
        {
            throw Fail(UpdateFailure.BadManifest, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw UpdateException.FromIo(UpdateStage.Check, ex, "reading the manifest");
        }
    }

    private void CheckVersions(BundleManifest manifest, BundleSignature? signed)
    {
        if (!BundleVersion.TryParse(manifest.Version, out _))
        {
            throw Fail(UpdateFailure.BadManifest, $"bundle version '{manifest.Version}' is not a semantic version");
        }

        if (signed is not null && (signed.Bundle != manifest.Name || signed.Version != manifest.Version))
        {
            throw Fail(UpdateFailure.BadManifest,
                $"manifest is {manifest.Name} {manifest.Version} but the signature is for {signed.Bundle} {signed.Version}");
        }

        if (manifest.TaxonomyVersion != _options.TaxonomyVersion)
        {
            throw Fail(UpdateFailure.Incompatible,
                $"bundle speaks taxonomy version {manifest.TaxonomyVersion}, this runtime decodes version {_options.TaxonomyVersion}");
        }

        if (!BundleVersion.TryParse(manifest.MinRuntimeVersion, out var minRuntime))
        {
            throw Fail(UpdateFailure.BadManifest, $"min_runtime_version '{manifest.MinRuntimeVersion}' is not a semantic version");
        }

        if (_options.RuntimeVersion < minRuntime)
        {
            throw Fail(UpdateFailure.Incompatible,
                $"bundle needs runtime {minRuntime} or newer, this device runs {_options.RuntimeVersion}");
        }

        foreach (var role in _options.RequiredRoles)
        {
            if (!manifest.Models.Any(m => m.Role == role))
            {
                throw Fail(UpdateFailure.Incompatible, $"bundle has no {role.ToString().ToLowerInvariant()} model; the pipeline needs one");
            }
        }
    }

    private ModelCheck CheckModel(string folder, ModelEntry entry)
    {
        var clock = Stopwatch.StartNew();
        InferenceSession session;
        try
        {
            session = SessionFactory.Open(folder, entry, _options.Session);
        }
        catch (ModelContractException ex)
        {
            throw Fail(ex.InnerException is OnnxRuntimeException ? UpdateFailure.UnloadableModel : UpdateFailure.ContractMismatch, ex.Message, ex);
        }

        using (session)
        {
            var loadMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            RunTestInference(session, entry);
            return new ModelCheck(entry.Id, loadMs, clock.Elapsed.TotalMilliseconds);
        }
    }

    private void RunTestInference(InferenceSession session, ModelEntry entry)
    {
        var input = entry.Input;
        var tensor = new float[TensorWriter.ItemLength(input)];
        var pixels = TestPattern.Create(input.Width, input.Height);
        TensorWriter.Write(new RgbImage(pixels, input.Width, input.Height),
            Affine2D.FromRect(0, 0, input.Width, input.Height, input.Width, input.Height), input, tensor);
        long[] shape = input.Layout == TensorLayout.Nhwc
            ? [1, input.Height, input.Width, input.Channels]
            : [1, input.Channels, input.Height, input.Width];
        var where = $"model '{entry.Id}' ({entry.File})";
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, shape);
        using var runOptions = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = session.Run(runOptions, [input.Name], [value], [.. entry.Outputs.Select(o => o.Name)]);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Fail(UpdateFailure.BadOutput, $"{where}: test inference failed: {ex.Message}", ex);
        }

        using (results)
        {
            for (var i = 0; i < entry.Outputs.Count; i++)
            {
                CheckOutput(results[i].GetTensorDataAsSpan<float>(), entry.Outputs[i], where);
            }
        }
    }

    private void CheckOutput(ReadOnlySpan<float> values, ModelOutput output, string where)
    {
        var at = $"{where}: output '{output.Name}'";
        if (values.Length != output.Size)
        {
            throw Fail(UpdateFailure.ContractMismatch, $"{at} gave {values.Length} values for one item, the manifest says {output.Size}");
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw Fail(UpdateFailure.BadOutput, $"{at} gave {values[i]} at index {i} on the test input (NaN/Inf)");
            }
        }

        switch (output.Kind)
        {
            case OutputKind.Softmax or OutputKind.AgeDistribution:
                InRange(values, 0f, 1f, at);
                var sum = 0f;
                foreach (var v in values)
                {
                    sum += v;
                }

                if (Math.Abs(sum - 1f) > _options.SumTolerance)
                {
                    throw Fail(UpdateFailure.BadOutput, $"{at} is a {KindName(output.Kind)} but sums to {sum:0.####}, not 1");
                }

                break;
            case OutputKind.Sigmoid or OutputKind.Presence:
                InRange(values, 0f, 1f, at);
                break;
            case OutputKind.StagewiseAge:
                InRange(values, 0f, _options.MaxAgeYears, at);
                break;
            case OutputKind.Regression when output.Head == "age":
                InRange(values, 0f, _options.MaxAgeYears, at);
                break;
            default:
                break; // landmarks, anchors, embeddings and other regressions: finite is all that can be said
        }
    }

    private static void InRange(ReadOnlySpan<float> values, float low, float high, string at)
    {
        const float slack = 1e-4f;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < low - slack || values[i] > high + slack)
            {
                throw Fail(UpdateFailure.BadOutput, $"{at} gave {values[i]} at index {i}, outside [{low}, {high}]");
            }
        }
    }

    private static string KindName(OutputKind kind) => kind == OutputKind.Softmax ? "softmax" : "age distribution";

    private static UpdateException Fail(UpdateFailure failure, string message, Exception? inner = null) =>
        new(UpdateStage.Check, failure, message, inner);
}
