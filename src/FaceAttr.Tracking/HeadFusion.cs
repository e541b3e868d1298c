using FaceAttr.Core;
using FaceAttr.Core.Faces;

namespace FaceAttr.Tracking;

/// <summary>
/// The fused state of one attribute head of one track, and what was last published of it.
/// </summary>
/// <remarks>
/// <para>
/// Fusion is a time-weighted average with exponential forgetting: every good observation has weight 1,
/// and weights halve every half-life of frame time. Kept incrementally as a mean and a total weight
/// (<c>w ← w·2^(−Δt/half-life) + 1; m ← m + (x − m)/w</c>), so the first observation is taken as is
/// instead of being pulled towards zero as a plain EMA would, and a higher frame rate means more
/// samples over the same window rather than a shorter window.
/// </para>
/// <para>
/// Class and binary heads fuse their <see cref="AttributeValue.Distribution"/> element-wise; the
/// published label holds until another label's fused probability beats it by the hysteresis margin.
/// Label names come from the taxonomy for gender, expression and eyewear, and are otherwise learnt
/// from observations (the label an observation names sits at its distribution's strict maximum).
/// Age fuses years (and their square, for the spread), the interval and the 9 decade bins; its label
/// is the decade of the fused years, held within the age hysteresis. Heads without a distribution are
/// fused as votes: an observation gives its probability to its label and the rest to the other labels
/// seen so far.
/// </para>
/// <para>Reused across tracks (see <see cref="Reset"/>); arrays grow only when a head has more labels.</para>
/// </remarks>
internal sealed class HeadFusion
{
    /// <summary>Most labels of one head; longer distributions are treated as invalid.</summary>
    public const int MaxLabels = 64;

    private const string UnknownLabel = "unknown";
    private const double Ln2 = 0.6931471805599453;

    private static readonly string[] AgeLabels = ["0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"];

    private float[] _fused = new float[8];
    private string?[] _labels = new string?[8];
    private float[] _scratch = new float[8];
    private int _length;
    private bool _synthetic;
    private double _distWeight;
    private double _valueMean;
    private double _valueSqMean;
    private double _valueWeight;
    private int _valueCount;
    private double _intervalSqMean;
    private double _intervalWeight;
    private int _intervalCount;
    private double _probMean;
    private double _probWeight;
    private double _lastGoodAt;
    private double _halfLife = 1;
    private bool _isAge;
    private int _labelIndex = -1;
    private UnknownCause _cause;
    private bool _published;
    private bool _publishedKnown;
    private string? _publishedLabel;
    private float _publishedProbability;
    private float _publishedYears;
    private int _goodCount;

    /// <summary>Taxonomy head name.</summary>
    public string Head { get; private set; } = string.Empty;

    /// <summary>Which model produced the latest observation.</summary>
    public string? Model { get; private set; }

    /// <summary>True once a good observation gave the head a label.</summary>
    public bool HasValue => _goodCount > 0 && _labelIndex >= 0;

    /// <summary>Starts afresh as <paramref name="head"/>, keeping the arrays.</summary>
    public void Reset(string head, double halfLifeSeconds)
    {
        Head = head;
        _isAge = string.Equals(head, "age", StringComparison.Ordinal);
        _halfLife = halfLifeSeconds;
        Model = null;
        _goodCount = 0;
        _length = 0;
        _synthetic = false;
        _distWeight = 0;
        _valueMean = _valueSqMean = _valueWeight = 0;
        _valueCount = 0;
        _intervalSqMean = _intervalWeight = 0;
        _intervalCount = 0;
        _probMean = _probWeight = 0;
        _lastGoodAt = 0;
        _labelIndex = -1;
        _cause = UnknownCause.None;
        _published = false;
        _publishedKnown = false;
        _publishedLabel = null;
        _publishedProbability = 0;
        _publishedYears = 0;
    }

    /// <summary>True when <paramref name="value"/> holds no NaN, infinity, negative probability or oversized distribution.</summary>
    public static bool IsValid(AttributeValue value)
    {
        if (!float.IsFinite(value.Probability)
            || value.Value is { } v && !float.IsFinite(v)
            || value.Interval is { } i && !(i >= 0 && float.IsFinite(i)))
        {
            return false;
        }

        if (value.Distribution is { } d)
        {
            if (d.Count is 0 or > MaxLabels)
            {
                return false;
            }

            for (var k = 0; k < d.Count; k++)
            {
                if (!(d[k] >= 0 && float.IsFinite(d[k])))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when the analyzer returned <paramref name="value"/> as unknown.</summary>
    public static bool IsUnknown(AttributeValue value) =>
        value.UnknownReason is not null || string.Equals(value.Label, UnknownLabel, StringComparison.Ordinal);

    /// <summary>Records an observation that may not be fused, and why: the reason published while the head has no value.</summary>
    public void ObserveUnknown(in UnknownCause cause, string? model)
    {
        _cause = cause;
        if (_goodCount == 0 && model is not null)
        {
            Model = model;
        }
    }

    /// <summary>Fuses a good (known, valid, gated) observation made at <paramref name="now"/> seconds.</summary>
    public void Observe(double now, AttributeValue value, float margin, float ageMarginYears)
    {
        var decay = _goodCount > 0 ? Math.Exp(-Ln2 * Math.Max(0, now - _lastGoodAt) / _halfLife) : 0;
        _distWeight *= decay;
        _valueWeight *= decay;
        _intervalWeight *= decay;
        _probWeight *= decay;
        _goodCount++;
        _lastGoodAt = now;
        Model = value.Model ?? Model;

        _probWeight += 1;
        _probMean += (Math.Clamp(value.Probability, 0f, 1f) - _probMean) / _probWeight;

        if (value.Value is { } years)
        {
            _valueWeight += 1;
            _valueCount++;
            _valueMean += (years - _valueMean) / _valueWeight;
            _valueSqMean += (((double)years * years) - _valueSqMean) / _valueWeight;
        }

        if (value.Interval is { } interval)
        {
            _intervalWeight += 1;
            _intervalCount++;
            _intervalSqMean += (((double)interval * interval) - _intervalSqMean) / _intervalWeight;
        }

        if (value.Distribution is { } distribution)
        {
            FuseDistribution(distribution, value.Label);
        }
        else if (!_isAge)
        {
            FuseVote(value.Label, Math.Clamp(value.Probability, 0f, 1f));
        }

        if (_isAge)
        {
            UpdateAgeLabel(ageMarginYears);
        }
        else
        {
            UpdateClassLabel(margin);
        }
    }

    /// <summary>
    /// True when what would be published now differs enough from what was last published: never
    /// published, known ↔ unknown, another label, the probability moved by <paramref name="minProbability"/>,
    /// or (age) the years moved by <paramref name="minYears"/>. A changed unknown reason alone is no change.
    /// </summary>
    public bool HasChanged(float minProbability, float minYears)
    {
        var known = HasValue;
        if (!_published || known != _publishedKnown)
        {
            return true;
        }

        if (!known)
        {
            return false;
        }

        if (!string.Equals(CurrentLabel(), _publishedLabel, StringComparison.Ordinal)
            || Exceeds(MathF.Abs(CurrentProbability() - _publishedProbability), minProbability))
        {
            return true;
        }

        return _isAge && TryYears(out var years) && Exceeds(MathF.Abs(years - _publishedYears), minYears);
    }

    /// <summary>The value to publish now; remembered as the last published one.</summary>
    public AttributeValue Publish()
    {
        _published = true;
        _publishedKnown = HasValue;
        if (!_publishedKnown)
        {
            _publishedLabel = null;
            return new AttributeValue { Head = Head, Label = UnknownLabel, UnknownReason = _cause.Describe(), Model = Model };
        }

        var label = CurrentLabel();
        var probability = CurrentProbability();
        float? value = null;
        if (_isAge)
        {
            if (TryYears(out var years))
            {
                value = years;
                _publishedYears = years;
            }
        }
        else if (_valueCount > 0)
        {
            value = (float)_valueMean;
        }

        float? interval = null;
        if (value is not null)
        {
            if (_intervalCount > 0)
            {
                interval = (float)Math.Sqrt(_intervalSqMean);
            }
            else if (_valueCount >= 2)
            {
                interval = (float)Math.Sqrt(Math.Max(0, _valueSqMean - (_valueMean * _valueMean)));
            }
        }

        _publishedLabel = label;
        _publishedProbability = probability;
        return new AttributeValue
        {
            Head = Head,
            Label = label,
            Probability = probability,
            Value = value,
            Interval = interval,
            Distribution = _length > 0 && !_synthetic ? _fused.AsSpan(0, _length).ToArray() : null,
            Model = Model,
        };
    }

    private static bool Exceeds(float change, float threshold) => change > 0 && change >= threshold;

    private string CurrentLabel() => _isAge ? AgeLabels[_labelIndex] : _labels[_labelIndex]!;

    private float CurrentProbability()
    {
        if (_isAge)
        {
            return _length == Taxonomy.AgeBins ? Math.Clamp(_fused[_labelIndex], 0f, 1f) : (float)_probMean;
        }

        return Math.Clamp(_fused[_labelIndex], 0f, 1f);
    }

    private bool TryYears(out float years)
    {
        if (_valueCount > 0)
        {
            years = (float)_valueMean;
            return true;
        }

        if (_length == Taxonomy.AgeBins)
        {
            // Expected age over the decade bins (bin centres 5, 15, … 85).
            float sum = 0, total = 0;
            for (var i = 0; i < _length; i++)
            {
                sum += _fused[i] * ((i * 10) + 5);
                total += _fused[i];
            }

            if (total > 0)
            {
                years = sum / total;
                return true;
            }
        }

        years = 0;
        return false;
    }

    private void FuseDistribution(IReadOnlyList<float> distribution, string label)
    {
        var n = distribution.Count;
        if (n != _length || _synthetic)
        {
            // A new model (or the first observation): start this head's distribution over.
            ResetDistribution(n);
        }

        ReadOnlySpan<float> d;
        if (distribution is float[] array)
        {
            d = array;
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                _scratch[i] = distribution[i];
            }

            d = _scratch.AsSpan(0, n);
        }

        _distWeight += 1;
        var k = (float)(1 / _distWeight);
        var best = 0;
        var unique = true;
        for (var i = 0; i < n; i++)
        {
            _fused[i] += (d[i] - _fused[i]) * k;
            if (i > 0)
            {
                if (d[i] > d[best])
                {
                    best = i;
                    unique = true;
                }
                else if (d[i] == d[best])
                {
                    unique = false;
                }
            }
        }

        if (!_isAge && unique && _labels[best] is null && !string.Equals(label, UnknownLabel, StringComparison.Ordinal))
        {
            _labels[best] = label;
        }
    }

    private void FuseVote(string label, float probability)
    {
        if (_length > 0 && !_synthetic)
        {
            // Label-only observations after model distributions: continue over the same labels, as votes.
            _synthetic = true;
        }

        var index = Array.IndexOf(_labels, label, 0, _length);
        if (index < 0)
        {
            if (_length >= MaxLabels)
            {
                return;
            }

            EnsureCapacity(_length + 1);
            _labels[_length] = label;
            _fused[_length] = 0;
            index = _length++;
            _synthetic = true;
        }

        _distWeight += 1;
        var k = (float)(1 / _distWeight);
        var others = _length > 1 ? (1 - probability) / (_length - 1) : 0;
        for (var i = 0; i < _length; i++)
        {
            var x = i == index ? probability : others;
            _fused[i] += (x - _fused[i]) * k;
        }
    }

    private void ResetDistribution(int length)
    {
        EnsureCapacity(length);
        Array.Clear(_fused, 0, length);
        Array.Clear(_labels);
        _length = length;
        _synthetic = false;
        _distWeight = 0;
        if (_isAge)
        {
            return;
        }

        _labelIndex = -1;
        IReadOnlyList<string>? names = Head switch
        {
            "gender" => Taxonomy.Genders,
            "expression" => Taxonomy.Expressions,
            "eyewear" => Taxonomy.Eyewear,
            _ => null,
        };
        if (names is not null && names.Count == length)
        {
            for (var i = 0; i < length; i++)
            {
                _labels[i] = names[i];
            }
        }
    }

    private void EnsureCapacity(int length)
    {
        if (_fused.Length >= length)
        {
            return;
        }

        var capacity = Math.Max(length, _fused.Length * 2);
        Array.Resize(ref _fused, capacity);
        Array.Resize(ref _labels, capacity);
        Array.Resize(ref _scratch, capacity);
    }

    private void UpdateClassLabel(float margin)
    {
        var best = -1;
        for (var i = 0; i < _length; i++)
        {
            if (_labels[i] is not null && (best < 0 || _fused[i] > _fused[best]))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            return;
        }

        if (_labelIndex < 0 || _labelIndex >= _length || _labels[_labelIndex] is null)
        {
            _labelIndex = best;
            return;
        }

        var lead = _fused[best] - _fused[_labelIndex];
        if (best != _labelIndex && lead > 0 && lead >= margin)
        {
            _labelIndex = best;
        }
    }

    private void UpdateAgeLabel(float marginYears)
    {
        if (!TryYears(out var years))
        {
            return;
        }

        var bin = Taxonomy.AgeBin(years);
        if (_labelIndex < 0)
        {
            _labelIndex = bin;
            return;
        }

        if (bin == _labelIndex)
        {
            return;
        }

        var low = _labelIndex == 0 ? float.NegativeInfinity : (_labelIndex * 10) - marginYears;
        var high = _labelIndex == Taxonomy.AgeBins - 1 ? float.PositiveInfinity : ((_labelIndex + 1) * 10) + marginYears;
        if (years < low || years > high)
        {
            _labelIndex = bin;
        }
    }
}
