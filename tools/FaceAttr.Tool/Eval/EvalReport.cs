using System.Text;
using System.Text.Json;
using FaceAttr.Datasets;

namespace FaceAttr.Tool.Eval;

/// <summary>
/// Per-head results of an evaluation run and its counts: images run, faces evaluated, faces not found, failed
/// images, and how often each detection path was taken. A head appears in the output once any face run carried
/// its label; its <c>n</c> counts only faces that were found and got a prediction for that head.
/// </summary>
public sealed class EvalReport
{
    private readonly SortedDictionary<string, AccuracyMetric> _binary = new(Comparer<string>.Create(CompareHeads));
    private readonly Dictionary<string, int> _paths = new(StringComparer.Ordinal);
    private readonly List<EvalFailure> _failures = [];
    private bool _genderLabeled;
    private bool _ageLabeled;
    private bool _expressionLabeled;

    /// <summary>Gender accuracy.</summary>
    public AccuracyMetric Gender { get; } = new();

    /// <summary>Age mean absolute error, in years.</summary>
    public MaeMetric Age { get; } = new();

    /// <summary>Gender accuracy and age MAE by the true age of faces labeled with an age (UTKFace).</summary>
    public AgeBandBreakdown ByAge { get; } = new();

    /// <summary>Expression confusion matrix over the seed's 7 classes.</summary>
    public ConfusionMatrix Expression { get; } = new();

    /// <summary>Binary heads (smile, eyeglasses, …) in report order.</summary>
    public IReadOnlyDictionary<string, AccuracyMetric> Binary => _binary;

    /// <summary>How often each detection path was taken (<see cref="DetectionPaths"/>), not-found included.</summary>
    public IReadOnlyDictionary<string, int> Paths => _paths;

    /// <summary>Images whose face was found and scored.</summary>
    public int Evaluated { get; private set; }

    /// <summary>Images where no face was found on any path.</summary>
    public int NotFound => _paths.GetValueOrDefault(DetectionPaths.NotFound);

    /// <summary>Images that could not be analysed, with reasons.</summary>
    public IReadOnlyList<EvalFailure> Failures => _failures;

    /// <summary>All images run: evaluated + not found + failed.</summary>
    public int Images => Evaluated + NotFound + _failures.Count;

    /// <summary>Entries the dataset reader skipped (set by <see cref="EvalRunner"/> from the read result).</summary>
    public int DatasetSkipped { get; set; }

    /// <summary>Entries the dataset reader excluded on purpose, such as contempt.</summary>
    public int DatasetExcluded { get; set; }

    /// <summary>The metric of binary head <paramref name="head"/>, created on first use.</summary>
    public AccuracyMetric BinaryHead(string head)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(head);
        if (!_binary.TryGetValue(head, out var metric))
        {
            metric = new AccuracyMetric();
            _binary.Add(head, metric);
        }

        return metric;
    }

    /// <summary>
    /// Scores <paramref name="prediction"/> against <paramref name="label"/>; null means no face was found.
    /// Heads the label does not carry are ignored; heads the prediction leaves out count as unknown.
    /// </summary>
    public void Add(LabeledFace label, FacePrediction? prediction)
    {
        ArgumentNullException.ThrowIfNull(label);
        NoteLabels(label);
        if (prediction is null)
        {
            CountPath(DetectionPaths.NotFound);
            return;
        }

        CountPath(string.IsNullOrWhiteSpace(prediction.Path) ? "unspecified" : prediction.Path);
        Evaluated++;
        if (label.Male is { } male)
        {
            bool? correct = prediction.Male is { } predictedMale ? predictedMale == male : null;
            Gender.AddOutcome(correct);
            if (label.AgeYears is { } ageOfFace)
            {
                ByAge.AddGender(ageOfFace, male, correct);
            }
        }

        if (label.AgeYears is { } age)
        {
            Age.AddEstimate(prediction.AgeYears, age);
            ByAge.AddAge(age, prediction.AgeYears);
        }

        if (label.Expression is { } expression)
        {
            if (prediction.Expression is { } predictedExpression)
            {
                Expression.Add(expression, predictedExpression);
            }
            else
            {
                Expression.AddUnknown();
            }
        }

        foreach (var (head, value) in label.Attributes)
        {
            BinaryHead(head).AddOutcome(prediction.Attributes.TryGetValue(head, out var predicted) ? predicted == value : null);
        }
    }

    /// <summary>Records an image that could not be analysed.</summary>
    public EvalFailure AddFailure(LabeledFace label, string reason)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(reason);
        NoteLabels(label);
        var failure = new EvalFailure(label.ImagePath, reason);
        _failures.Add(failure);
        return failure;
    }

    /// <summary>
    /// One JSON object keyed by taxonomy head (<c>gender</c>, <c>age</c>, <c>expression</c>, <c>smile</c>, …), each with
    /// <c>accuracy</c> or <c>mae</c> (null when nothing was measured), <c>n</c> and <c>unknown</c>; <c>expression</c> also has
    /// <c>confusion</c> (<c>labels</c>, <c>matrix</c> with rows = true class) and <c>recall</c> per class. When faces carry an
    /// age label, <c>age</c> also has <c>bias</c> (mean signed error) and <c>by_age</c> splits gender (also per true sex:
    /// <c>gender_male</c>, <c>gender_female</c>) and age by the true age (<see cref="AgeBandBreakdown"/>). Then the counts:
    /// <c>images</c>, <c>evaluated</c>, <c>not_found</c>, <c>failed</c>, <c>paths</c>, <c>failures</c>, <c>skipped</c>, <c>excluded</c>.
    /// </summary>
    public string ToJson(bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            if (_genderLabeled)
            {
                WriteAccuracy(w, HeadNames.Gender, Gender);
            }

            if (_ageLabeled)
            {
                w.WriteStartObject(HeadNames.Age);
                WriteNullable(w, "mae", Age.Mae, 3);
                WriteNullable(w, "bias", Age.Bias, 3);
                w.WriteNumber("n", Age.N);
                w.WriteNumber("unknown", Age.Unknown);
                w.WriteEndObject();
            }

            if (_expressionLabeled)
            {
                WriteExpression(w);
            }

            foreach (var (head, metric) in _binary)
            {
                WriteAccuracy(w, head, metric);
            }

            if (_ageLabeled)
            {
                WriteByAge(w);
            }

            w.WriteNumber("images", Images);
            w.WriteNumber("evaluated", Evaluated);
            w.WriteNumber("not_found", NotFound);
            w.WriteNumber("failed", _failures.Count);
            w.WriteStartObject("paths");
            foreach (var (path, count) in OrderedPaths())
            {
                w.WriteNumber(path, count);
            }

            w.WriteEndObject();
            w.WriteStartArray("failures");
            foreach (var f in _failures)
            {
                w.WriteStartObject();
                w.WriteString("file", f.ImagePath);
                w.WriteString("reason", f.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("skipped", DatasetSkipped);
            w.WriteNumber("excluded", DatasetExcluded);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A table for people: one line per head (metric, value, n, unknown), the expression confusion matrix, then the counts.</summary>
    public string ToTable()
    {
        var s = new StringBuilder();
        s.AppendLine($"{"head",-18} {"metric",-9} {"value",8} {"n",7} {"unknown",8}");
        if (_genderLabeled)
        {
            s.AppendLine(Row(HeadNames.Gender, "accuracy", Format(Gender.Accuracy, 4), Gender.N, Gender.Unknown));
        }

        if (_ageLabeled)
        {
            s.AppendLine(Row(HeadNames.Age, "mae", Format(Age.Mae, 2), Age.N, Age.Unknown));
        }

        if (_expressionLabeled)
        {
            s.AppendLine(Row(HeadNames.Expression, "accuracy", Format(Expression.Accuracy, 4), Expression.N, Expression.Unknown));
        }

        foreach (var (head, metric) in _binary)
        {
            s.AppendLine(Row(head, "accuracy", Format(metric.Accuracy, 4), metric.N, metric.Unknown));
        }

        if (_ageLabeled)
        {
            AppendByAge(s);
        }

        if (_expressionLabeled && Expression.N > 0)
        {
            AppendConfusion(s);
        }

        s.AppendLine();
        s.AppendLine($"images {Images}: evaluated {Evaluated}, not found {NotFound}, failed {_failures.Count}");
        s.AppendLine($"paths: {string.Join(", ", OrderedPaths().Select(p => $"{p.Key} {p.Value}"))}");
        if (DatasetSkipped > 0 || DatasetExcluded > 0)
        {
            s.AppendLine($"dataset: skipped {DatasetSkipped}, excluded {DatasetExcluded}");
        }

        foreach (var f in _failures)
        {
            s.AppendLine($"failed: {f}");
        }

        return s.ToString();
    }

    private void NoteLabels(LabeledFace label)
    {
        _genderLabeled |= label.Male is not null;
        _ageLabeled |= label.AgeYears is not null;
        _expressionLabeled |= label.Expression is not null;
        foreach (var head in label.Attributes.Keys)
        {
            BinaryHead(head);
        }
    }

    private void CountPath(string path) => _paths[path] = _paths.GetValueOrDefault(path) + 1;

    private IEnumerable<KeyValuePair<string, int>> OrderedPaths()
    {
        static int Rank(string path) => path switch
        {
            DetectionPaths.Padded => 0,
            DetectionPaths.WholeImage => 1,
            DetectionPaths.NotFound => 3,
            _ => 2,
        };

        return _paths.OrderBy(p => Rank(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal);
    }

    private void WriteExpression(Utf8JsonWriter w)
    {
        w.WriteStartObject(HeadNames.Expression);
        WriteNullable(w, "accuracy", Expression.Accuracy, 4);
        w.WriteNumber("n", Expression.N);
        w.WriteNumber("unknown", Expression.Unknown);
        w.WriteStartObject("confusion");
        w.WriteStartArray("labels");
        foreach (var label in Expression.Labels)
        {
            w.WriteStringValue(label);
        }

        w.WriteEndArray();
        w.WriteStartArray("matrix");
        for (var a = 0; a < Expression.Labels.Count; a++)
        {
            w.WriteStartArray();
            for (var p = 0; p < Expression.Labels.Count; p++)
            {
                w.WriteNumberValue(Expression.Count(a, p));
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("recall");
        for (var a = 0; a < Expression.Labels.Count; a++)
        {
            WriteNullable(w, Expression.Labels[a], Expression.Recall(a), 4);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteByAge(Utf8JsonWriter w)
    {
        w.WriteStartObject("by_age");
        for (var band = 0; band < AgeBandBreakdown.Bands.Count; band++)
        {
            w.WriteStartObject(AgeBandBreakdown.Bands[band].Name);
            if (_genderLabeled)
            {
                WriteAccuracy(w, HeadNames.Gender, ByAge.Gender(band));
                WriteAccuracy(w, "gender_male", ByAge.Males(band));
                WriteAccuracy(w, "gender_female", ByAge.Females(band));
            }

            w.WriteStartObject(HeadNames.Age);
            WriteNullable(w, "mae", ByAge.Age(band).Mae, 3);
            WriteNullable(w, "bias", ByAge.Age(band).Bias, 3);
            w.WriteNumber("n", ByAge.Age(band).N);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private void AppendByAge(StringBuilder s)
    {
        s.AppendLine();
        s.AppendLine("by true age");
        s.AppendLine($"{"age",-11} {"gender",8} {"n",7} {"male",8} {"n",7} {"female",8} {"n",7} {"age mae",8} {"bias",7} {"n",7}");
        for (var band = 0; band < AgeBandBreakdown.Bands.Count; band++)
        {
            var gender = ByAge.Gender(band);
            var males = ByAge.Males(band);
            var females = ByAge.Females(band);
            var age = ByAge.Age(band);
            s.AppendLine($"{AgeBandBreakdown.Bands[band].Name,-11} {Format(gender.Accuracy, 4),8} {gender.N,7} {Format(males.Accuracy, 4),8} {males.N,7} "
                + $"{Format(females.Accuracy, 4),8} {females.N,7} {Format(age.Mae, 2),8} {FormatSigned(age.Bias),7} {age.N,7}");
        }
    }

    private void AppendConfusion(StringBuilder s)
    {
        var labels = Expression.Labels;
        s.AppendLine();
        s.AppendLine("expression confusion (rows: true class, columns: predicted)");
        s.Append($"{"",-11}");
        foreach (var label in labels)
        {
            s.Append($" {Truncate(label, 9),9}");
        }

        s.AppendLine($" {"n",6} {"recall",7}");
        for (var a = 0; a < labels.Count; a++)
        {
            s.Append($"{Truncate(labels[a], 11),-11}");
            for (var p = 0; p < labels.Count; p++)
            {
                s.Append($" {Expression.Count(a, p),9}");
            }

            s.AppendLine($" {Expression.Support(a),6} {Format(Expression.Recall(a), 3),7}");
        }
    }

    private static void WriteAccuracy(Utf8JsonWriter w, string head, AccuracyMetric metric)
    {
        w.WriteStartObject(head);
        WriteNullable(w, "accuracy", metric.Accuracy, 4);
        w.WriteNumber("n", metric.N);
        w.WriteNumber("unknown", metric.Unknown);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value, int digits)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, Math.Round(v, digits));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Row(string head, string metric, string value, int n, int unknown) =>
        $"{head,-18} {metric,-9} {value,8} {n,7} {unknown,8}";

    private static string FormatSigned(double? value) => value is { } v ? v.ToString("+0.00;-0.00;0.00") : "n/a";

    private static string Format(double? value, int digits) => value is { } v ? v.ToString("F" + digits) : "n/a";

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..width];

    private static int CompareHeads(string a, string b)
    {
        var byOrder = HeadNames.ReportOrder(a).CompareTo(HeadNames.ReportOrder(b));
        return byOrder != 0 ? byOrder : string.CompareOrdinal(a, b);
    }
}
