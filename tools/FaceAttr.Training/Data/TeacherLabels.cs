using FaceAttr.Datasets;

namespace FaceAttr.Training.Data;

/// <summary>
/// Distillation where labels are missing: pseudo-labels from the teacher models (a <c>faceattr label</c> manifest of the
/// same images) fill the heads a ground-truth set does not label — age on CelebA, gender and age on the expression set —
/// each weighted by the teacher's confidence. A head the set does label is never overwritten, and only the heads chosen
/// are taken (by default gender and age, where faceres is the best teacher; the imported expression model is weaker than
/// the student, so copying it would teach its mistakes).
/// </summary>
public sealed class TeacherLabels
{
    /// <summary>Heads a teacher can fill.</summary>
    public static readonly IReadOnlyList<string> SupportedHeads = [HeadNames.Gender, HeadNames.Age, HeadNames.Expression, "smile"];

    /// <summary>Heads filled by default.</summary>
    public static readonly IReadOnlyList<string> DefaultHeads = [HeadNames.Gender, HeadNames.Age];

    private readonly Dictionary<string, LabeledFace> byPath;
    private readonly HashSet<string> heads;
    private readonly float minConfidence;

    /// <summary>Indexes <paramref name="teacherFaces"/> by full image path.</summary>
    /// <param name="teacherFaces">Faces read from teacher manifests; a later manifest wins for an image listed twice.</param>
    /// <param name="heads">Heads to fill, from <see cref="SupportedHeads"/>.</param>
    /// <param name="minConfidence">
    /// Leave out a categorical pseudo-label (gender, expression, smile) whose confidence is below this, 0–1. Age is never
    /// gated: its confidence is the mass of one 10-year bin, low even when the estimate is good, so it only weights the label.
    /// </param>
    /// <exception cref="ArgumentException">An unknown head, or no head at all.</exception>
    public TeacherLabels(IEnumerable<LabeledFace> teacherFaces, IEnumerable<string> heads, float minConfidence)
    {
        ArgumentNullException.ThrowIfNull(teacherFaces);
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentOutOfRangeException.ThrowIfNegative(minConfidence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minConfidence, 1f);
        this.heads = new HashSet<string>(heads, StringComparer.Ordinal);
        var unknown = this.heads.Except(SupportedHeads).ToList();
        if (unknown.Count > 0 || this.heads.Count == 0)
        {
            throw new ArgumentException($"teacher heads must be some of {string.Join(", ", SupportedHeads)}; got {string.Join(", ", this.heads)}", nameof(heads));
        }

        this.minConfidence = minConfidence;
        byPath = new Dictionary<string, LabeledFace>(StringComparer.Ordinal);
        foreach (var face in teacherFaces)
        {
            byPath[Path.GetFullPath(face.ImagePath)] = face;
        }
    }

    /// <summary>Images with teacher labels.</summary>
    public int Count => byPath.Count;

    /// <summary>
    /// <paramref name="truth"/> with every chosen head it lacks filled from the teacher's label of the same image (confidence
    /// carried into <see cref="LabeledFace.Confidences"/>); <paramref name="filled"/> lists the heads taken. The face itself
    /// when the teacher has nothing to add.
    /// </summary>
    public LabeledFace Fill(LabeledFace truth, out IReadOnlyList<string> filled)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var taken = new List<string>();
        filled = taken;
        if (!byPath.TryGetValue(Path.GetFullPath(truth.ImagePath), out var teacher))
        {
            return truth;
        }

        var confidences = new Dictionary<string, float>(truth.Confidences, StringComparer.Ordinal);
        bool Take(string head, bool missing, bool known, bool gated)
        {
            if (!heads.Contains(head) || !missing || !known)
            {
                return false;
            }

            var confidence = teacher.Confidences.TryGetValue(head, out var c) ? c : 1f;
            if (gated && confidence < minConfidence)
            {
                return false;
            }

            confidences[head] = confidence;
            taken.Add(head);
            return true;
        }

        var result = truth;
        if (Take(HeadNames.Gender, truth.Male is null, teacher.Male is not null, gated: true))
        {
            result = result with { Male = teacher.Male };
        }

        if (Take(HeadNames.Age, truth.AgeYears is null, teacher.AgeYears is not null, gated: false))
        {
            result = result with { AgeYears = teacher.AgeYears };
        }

        if (Take(HeadNames.Expression, truth.Expression is null, teacher.Expression is not null, gated: true))
        {
            result = result with { Expression = teacher.Expression };
        }

        if (teacher.Attributes.TryGetValue("smile", out var smile)
            && Take("smile", !truth.Attributes.ContainsKey("smile"), known: true, gated: true))
        {
            result = result with { Attributes = new Dictionary<string, bool>(truth.Attributes, StringComparer.Ordinal) { ["smile"] = smile } };
        }

        return taken.Count == 0 ? truth : result with { Confidences = confidences };
    }
}
