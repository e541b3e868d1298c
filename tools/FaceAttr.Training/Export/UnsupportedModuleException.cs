namespace FaceAttr.Training.Export;

/// <summary>The exporter met a module type it has no ONNX translation for; names the module's path and type.</summary>
public sealed class UnsupportedModuleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedModuleException() { }

    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedModuleException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnsupportedModuleException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception for module <paramref name="path"/> of type <paramref name="moduleType"/>.</summary>
    public UnsupportedModuleException(string path, string moduleType, string? why)
        : base($"module '{path}' ({moduleType}) cannot be exported to ONNX{(why is null ? string.Empty : ": " + why)}; supported: {ModuleEmitter.SupportedTypes}")
    {
        Path = path;
        ModuleType = moduleType;
    }

    /// <summary>Dotted path of the module inside the network.</summary>
    public string? Path { get; }

    /// <summary>The module's type name.</summary>
    public string? ModuleType { get; }
}
