using System.Diagnostics.CodeAnalysis;

namespace FaceAttr.Bundles.Versioning;

/// <summary>
/// A semantic version (semver.org 2.0: <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>) compared by semver
/// precedence: build metadata is ignored, a pre-release sorts before its release, numeric identifiers
/// compare as numbers and sort before alphanumeric ones.
/// </summary>
public sealed class BundleVersion : IComparable<BundleVersion>, IEquatable<BundleVersion>
{
    private readonly string[] _prerelease;

    private BundleVersion(long major, long minor, long patch, string[] prerelease, string text)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        _prerelease = prerelease;
        Text = text;
    }

    /// <summary>Major version.</summary>
    public long Major { get; }

    /// <summary>Minor version.</summary>
    public long Minor { get; }

    /// <summary>Patch version.</summary>
    public long Patch { get; }

    /// <summary>Whether the version has a pre-release part (<c>1.2.0-rc.1</c>).</summary>
    public bool IsPrerelease => _prerelease.Length > 0;

    /// <summary>The text the version was parsed from.</summary>
    public string Text { get; }

    /// <summary>Parses a version; the message of the exception says what is wrong.</summary>
    /// <exception cref="FormatException">Not a semantic version.</exception>
    public static BundleVersion Parse(string text) =>
        TryParse(text, out var version, out var error) ? version : throw new FormatException(error);

    /// <summary>Parses a version without throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out BundleVersion? version) => TryParse(text, out version, out _);

    /// <summary>
    /// The version of the running FaceAttr runtime: the informational version of this assembly without its
    /// <c>+commit</c> suffix (the repo sets one version for every project).
    /// </summary>
    public static BundleVersion Runtime { get; } = FromAssembly(typeof(BundleVersion).Assembly);

    /// <summary>The informational (or plain) version of an assembly.</summary>
    public static BundleVersion FromAssembly(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var info = System.Reflection.CustomAttributeExtensions
            .GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion;
        if (info is not null && TryParse(info, out var parsed))
        {
            return parsed;
        }

        var v = assembly.GetName().Version ?? new Version(0, 0, 0);
        return Parse($"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}");
    }

    private static bool TryParse(string? text, [NotNullWhen(true)] out BundleVersion? version, out string error)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "version is empty";
            return false;
        }

        var core = text.Trim();
        var plus = core.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            core = core[..plus];
        }

        string[] prerelease = [];
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            prerelease = core[(dash + 1)..].Split('.');
            core = core[..dash];
            if (prerelease.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
            {
                error = $"'{text}': pre-release identifiers must be non-empty [0-9A-Za-z-]";
                return false;
            }
        }

        var parts = core.Split('.');
        if (parts.Length != 3 || !parts.All(IsNumber))
        {
            error = $"'{text}' is not a semantic version MAJOR.MINOR.PATCH";
            return false;
        }

        version = new BundleVersion(long.Parse(parts[0]), long.Parse(parts[1]), long.Parse(parts[2]), prerelease, text.Trim());
        error = string.Empty;
        return true;
    }

    private static bool IsNumber(string s) => s.Length is > 0 and <= 18 && s.All(char.IsAsciiDigit) && (s.Length == 1 || s[0] != '0');

    /// <inheritdoc />
    public int CompareTo(BundleVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }

        return c != 0 ? c : ComparePrerelease(_prerelease, other._prerelease);
    }

    private static int ComparePrerelease(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return b.Length.CompareTo(a.Length); // no pre-release sorts after any pre-release
        }

        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var aNum = a[i].All(char.IsAsciiDigit);
            var bNum = b[i].All(char.IsAsciiDigit);
            var c = (aNum, bNum) switch
            {
                (true, true) => a[i].Length != b[i].Length ? a[i].Length.CompareTo(b[i].Length) : string.CompareOrdinal(a[i], b[i]),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a[i], b[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <inheritdoc />
    public bool Equals(BundleVersion? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BundleVersion v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, string.Join('.', _prerelease));

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Semver precedence.</summary>
    public static bool operator <(BundleVersion left, BundleVersion right) => Compare(left, right) < 0;

    /// <summary>Semver precedence.</summary>
    public static bool operator >(BundleVersion left, BundleVersion right) => Compare(left, right) > 0;

    /// <summary>Semver precedence.</summary>
    public static bool operator <=(BundleVersion left, BundleVersion right) => Compare(left, right) <= 0;

    /// <summary>Semver precedence.</summary>
    public static bool operator >=(BundleVersion left, BundleVersion right) => Compare(left, right) >= 0;

    /// <summary>Semver precedence (build metadata ignored).</summary>
    public static bool operator ==(BundleVersion? left, BundleVersion? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Semver precedence (build metadata ignored).</summary>
    public static bool operator !=(BundleVersion? left, BundleVersion? right) => !(left == right);

    private static int Compare(BundleVersion left, BundleVersion right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.CompareTo(right);
    }
}
