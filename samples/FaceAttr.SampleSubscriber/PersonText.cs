using System.Globalization;
using System.Text;
using FaceAttr.Client;
using FaceAttr.Core.Faces;

namespace FaceAttr.SampleSubscriber;

/// <summary>One line about a person: "female 93%, 34 y ±4, happy 80%, eyeglasses 71%".</summary>
internal static class PersonText
{
    private static readonly string[] Order = ["gender", "age", "expression", "eyewear", "smile"];

    public static string Describe(PersonView person)
    {
        var text = new StringBuilder();
        foreach (var head in Order.Concat(person.Attributes.Keys.Except(Order).Order(StringComparer.Ordinal)))
        {
            if (person.Attributes.TryGetValue(head, out var value))
            {
                if (text.Length > 0)
                {
                    text.Append(", ");
                }

                text.Append(Describe(head, value));
            }
        }

        return text.Length == 0 ? "(no attributes published)" : text.ToString();
    }

    private static string Describe(string head, AttributeValue value)
    {
        var inv = CultureInfo.InvariantCulture;
        if (value.UnknownReason is not null)
        {
            return $"{head} unknown ({value.UnknownReason})";
        }

        if (head == "age" && value.Value is { } years)
        {
            return value.Interval is { } interval
                ? string.Format(inv, "{0:F0} y ±{1:F0}", years, interval)
                : string.Format(inv, "{0:F0} y", years);
        }

        var label = value.Label is "present" or "absent" ? $"{head} {value.Label}" : value.Label;
        return string.Format(inv, "{0} {1:P0}", label, value.Probability).Replace(" %", "%", StringComparison.Ordinal);
    }
}
