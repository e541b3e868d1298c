using FaceAttr.Core.Bundles;
using FaceAttr.Datasets;
using FaceAttr.Onnx.Quantization;
using FaceAttr.Vision.Models;
using Google.Protobuf;
using Onnx;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Makes an int8 copy of a bundle: calibrates and quantizes the chosen models on real faces, checks each int8 model loads
/// under its manifest contract, measures it against its float original on held-out faces (of the calibration folder and of
/// each <c>--check</c> set, so heads are judged against labels wherever some set has them), and writes a new bundle folder
/// with those models replaced, their manifest entries marked <c>int8</c> with new hashes and model-card metrics.
/// Everything is written to a temporary sibling folder first and renamed at the end, so the output folder either appears
/// complete or not at all; when a head fails the gate (<see cref="QuantizeGate"/>) it does not appear unless forced.
/// </summary>
public static class BundleQuantizer
{
    /// <summary>Carries out <paramref name="request"/>, writing progress to <paramref name="log"/>.</summary>
    /// <exception cref="QuantizeRequestException">The output exists, a model id is unknown, or a value is out of range.</exception>
    /// <exception cref="CalibrationSetException">The calibration folder gives no usable face.</exception>
    /// <exception cref="QuantizationException">A model cannot be quantized.</exception>
    /// <exception cref="BundleFormatException">The source bundle's manifest is invalid.</exception>
    public static BundleQuantizeResult Run(BundleQuantizeRequest request, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        Check(request);
        var source = Path.GetFullPath(request.SourceBundle);
        var output = Path.GetFullPath(request.OutputBundle);
        var manifest = ManifestSerializer.ReadFromFolder(source);
        var models = Choose(manifest, request.Models);

        // Every set is read (and its labels checked) before any face is searched, so a bad --check fails in seconds.
        var split = CalibrationSplit.Split(request.CalibrationFolder, request.Labels, request.Count, request.Holdout);
        var checks = request.Checks.Select(c => (Check: c, Split: CalibrationSplit.HoldoutOnly(c.Folder, c.Labels, request.Holdout, split.Calibration))).ToList();
        foreach (var note in split.Notes.Concat(checks.SelectMany(c => c.Split.Notes)))
        {
            log.WriteLine(note);
        }

        CalibrationSet calibration;
        var holdouts = new List<HoldoutSet>();
        using (var builder = new CalibrationSetBuilder(source))
        {
            calibration = builder.Build(models, [.. split.Calibration.Select(f => f.ImagePath)], request.CalibrationFolder);
            holdouts.Add(Holdout(builder, models, CalibrationDataset(request), split.Holdout, request.Labels is not null, request.CalibrationFolder));
            holdouts.AddRange(checks.Select(c => Holdout(builder, models, c.Check.Dataset, c.Split.Holdout, labelled: true, c.Check.Folder)));
        }

        log.WriteLine($"calibration: {calibration.Summary()}");
        foreach (var holdout in holdouts)
        {
            log.WriteLine($"{holdout.Dataset}: {holdout.Inputs.Summary()}");
        }

        var staging = $"{Path.TrimEndingDirectorySeparator(output)}.partial-{Environment.ProcessId}";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        try
        {
            CopyBundle(source, staging);
            var entries = manifest.Models.ToList();
            var outcomes = new List<ModelQuantizeOutcome>();
            foreach (var model in models)
            {
                log.WriteLine($"{model.Id}: quantizing on {calibration.Items[model.Id].Count} inputs ({request.Quantization.Method})");
                var outcome = QuantizeOne(model, source, staging, calibration, holdouts, request);
                entries[entries.FindIndex(e => e.Id == model.Id)] = outcome.Quantized;
                outcomes.Add(outcome);
            }

            var written = manifest with { Models = entries };
            File.WriteAllText(Path.Combine(staging, ManifestSerializer.FileName), ManifestSerializer.ToJson(written));
            ManifestSerializer.ReadFromFolder(staging);
            var refused = outcomes.Any(o => o.GateFailures.Count > 0) && !request.Force;
            if (refused)
            {
                Directory.Delete(staging, recursive: true);
                return new BundleQuantizeResult(outcomes, calibration, holdouts, Written: false);
            }

            if (Directory.Exists(output) || File.Exists(output))
            {
                throw new QuantizeRequestException($"output folder {output} appeared while quantizing; nothing was written");
            }

            Directory.Move(staging, output);
            return new BundleQuantizeResult(outcomes, calibration, holdouts, Written: true);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    private static ModelQuantizeOutcome QuantizeOne(ModelEntry entry, string source, string staging, CalibrationSet calibration,
        IReadOnlyList<HoldoutSet> holdouts, BundleQuantizeRequest request)
    {
        var floatPath = Path.Combine(source, entry.File);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(floatPath));
        var items = calibration.Tensors(entry.Id);
        if (items.Count == 0)
        {
            throw new QuantizationException($"model '{entry.Id}': no calibration input could be made ({calibration.Issues.Count(i => i.ModelId == entry.Id)} crops failed)");
        }

        var result = QdqQuantizer.Quantize(model, items, request.Quantization);
        var int8Path = Path.Combine(staging, entry.File);
        File.WriteAllBytes(int8Path, result.Model.ToByteArray());
        var quantized = entry with { Sha256 = ModelFile.Sha256(int8Path), Precision = ModelPrecision.Int8 };

        // The runtime's own loader: hash, loadability, and the manifest contract (input and output shapes).
        using (SessionFactory.Open(staging, quantized, new SessionSettings()))
        {
        }

        var figures = new List<HeadFigure>();
        if (entry.Role == ModelRole.Detector)
        {
            foreach (var holdout in holdouts)
            {
                var images = holdout.Inputs.Items[entry.Id].Select(i => i.ImagePath).Distinct(StringComparer.Ordinal).ToList();
                figures.Add(DetectorComparison.Compare(source, entry, staging, quantized, images) with { Dataset = holdout.Dataset });
            }
        }
        else
        {
            using var fp32 = new TensorModelRunner(floatPath, entry);
            using var int8 = new TensorModelRunner(int8Path, quantized);
            foreach (var holdout in holdouts)
            {
                figures.AddRange(HeadComparison.Compare(entry, fp32, int8, holdout.Inputs.Items[entry.Id], holdout.LabelOf)
                    .Select(f => f with { Dataset = holdout.Dataset }));
            }
        }

        var metrics = figures.Where(f => f.IsTaxonomyHead).Select(f => new ModelMetric
        {
            Head = f.Head,
            Metric = f.Metric,
            Value = Math.Round(f.Value, 4),
            Reference = f.Reference is { } r ? Math.Round(r, 4) : null,
            Count = f.Count,
            Dataset = f.Dataset,
        }).ToList();
        quantized = quantized with { Metrics = metrics };

        var probe = holdouts.SelectMany(h => h.Inputs.Items[entry.Id]).FirstOrDefault()?.Tensor ?? items[0];
        var latency = ModelLatencyMeter.Measure([(floatPath, entry), (int8Path, quantized)], probe, request.LatencyRuns);
        return new ModelQuantizeOutcome
        {
            Source = entry,
            Quantized = quantized,
            Fp32Bytes = new FileInfo(floatPath).Length,
            Int8Bytes = new FileInfo(int8Path).Length,
            Fp32Latency = latency[0],
            Int8Latency = latency[1],
            Figures = figures,
            OptimizedGraph = OrtFusionInspector.Inspect(result.Model),
            Report = result.Report,
            GateFailures = QuantizeGate.Failures(entry.Id, figures, request.MaxLoss, request.MaxAgeLoss),
        };
    }

    private static HoldoutSet Holdout(CalibrationSetBuilder builder, IReadOnlyList<ModelEntry> models, string dataset,
        IReadOnlyList<LabeledFace> faces, bool labelled, string folder) =>
        new(dataset, builder.Build(models, [.. faces.Select(f => f.ImagePath)], folder),
            labelled ? faces.ToDictionary(f => f.ImagePath, StringComparer.Ordinal) : null);

    /// <summary>
    /// The calibration holdout's name: its label set, else its folder's name; an unlabelled folder named like a checked set
    /// (a <c>celeba</c> folder given without <c>--labels</c> beside <c>--check celeba=…</c>) is told apart so the model card
    /// does not show two different <c>celeba holdout</c> figures.
    /// </summary>
    private static string CalibrationDataset(BundleQuantizeRequest request)
    {
        var name = request.Labels ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(request.CalibrationFolder));
        return request.Labels is null && request.Checks.Any(c => c.Labels == name) ? $"{name} unlabelled holdout" : $"{name} holdout";
    }

    private static void Check(BundleQuantizeRequest request)
    {
        CheckSet.Validate(request.Checks, request.Labels);
        if (Directory.Exists(request.OutputBundle) || File.Exists(request.OutputBundle))
        {
            throw new QuantizeRequestException($"output folder {request.OutputBundle} already exists; give a new folder (nothing was written)");
        }

        if (Path.GetFullPath(request.OutputBundle).StartsWith(Path.GetFullPath(request.SourceBundle) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new QuantizeRequestException($"output folder {request.OutputBundle} is inside the source bundle");
        }

        if (request.Count < 1 || request.Holdout < 1)
        {
            throw new QuantizeRequestException("--count and --holdout must be 1 or more");
        }

        if (!(request.MaxLoss >= 0) || !(request.MaxAgeLoss >= 0))
        {
            throw new QuantizeRequestException("--max-loss and --max-age-loss must be 0 or more");
        }

        if (request.LatencyRuns < 1)
        {
            throw new QuantizeRequestException("latency runs must be 1 or more");
        }

        try
        {
            request.Quantization.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new QuantizeRequestException(ex.Message, ex);
        }
    }

    private static List<ModelEntry> Choose(BundleManifest manifest, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0 || ids.Contains("all"))
        {
            return [.. manifest.Models];
        }

        var unknown = ids.Where(id => manifest.Models.All(m => m.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new QuantizeRequestException(
                $"the bundle has no model {string.Join(", ", unknown.Select(u => $"'{u}'"))} (it has: {string.Join(", ", manifest.Models.Select(m => m.Id))})");
        }

        return [.. manifest.Models.Where(m => ids.Contains(m.Id))];
    }

    /// <summary>Copies the bundle's files; dot-files (import bookkeeping such as <c>.recipe-sha256</c>) describe the source folder, not the copy.</summary>
    private static void CopyBundle(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
