namespace FaceAttr.Onnx.Tfjs;

/// <summary>The graph uses an operator (or an operator variant) the importer cannot translate.</summary>
public sealed class UnsupportedOperatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedOperatorException() { }

    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedOperatorException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnsupportedOperatorException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception for an op at a node.</summary>
    public UnsupportedOperatorException(string op, string node, string? detail)
        : base(detail is null
            ? $"unsupported TF.js op '{op}' at node '{node}'"
            : $"unsupported TF.js op '{op}' at node '{node}': {detail}")
    {
        Op = op;
        Node = node;
    }

    /// <summary>The TensorFlow op type.</summary>
    public string? Op { get; }

    /// <summary>The node that uses it.</summary>
    public string? Node { get; }
}
