namespace FaceAttr.Messaging;

/// <summary>A received payload is not a valid FaceAttr document: junk, a missing field, or a schema version this code cannot read.</summary>
public sealed class PayloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PayloadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PayloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PayloadException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for a payload whose schema version is newer than this code reads.</summary>
    public PayloadException(string message, int schemaVersion, int supportedVersion)
        : base(message)
    {
        SchemaVersion = schemaVersion;
        SupportedSchemaVersion = supportedVersion;
    }

    /// <summary>The payload's schema version, when the problem is that it is too new.</summary>
    public int? SchemaVersion { get; }

    /// <summary>The newest schema version this code reads, when the problem is that the payload is too new.</summary>
    public int? SupportedSchemaVersion { get; }

    /// <summary>True when the payload was refused only because its schema version is newer than this code reads.</summary>
    public bool IsNewerSchema => SchemaVersion is not null;
}
