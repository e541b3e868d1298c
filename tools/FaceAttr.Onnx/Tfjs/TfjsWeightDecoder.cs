using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace FaceAttr.Onnx.Tfjs;

/// <summary>
/// Decodes one entry of a TF.js weights manifest. Weights are stored little-endian back to back; a
/// <c>quantization</c> entry means float16 storage or affine uint8/uint16 (<c>value = q · scale + min</c>).
/// </summary>
internal static class TfjsWeightDecoder
{
    public static TfjsTensor Decode(JsonElement spec, byte[] data, ref int offset, string source)
    {
        var name = spec.GetProperty("name").GetString() ?? throw new TfjsFormatException($"{source}: a weight has no name");
        var shape = spec.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var dtype = spec.GetProperty("dtype").GetString();
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));

        if (spec.TryGetProperty("quantization", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            var storage = q.GetProperty("dtype").GetString();
            return storage switch
            {
                "float16" => new TfjsTensor(name, shape, ReadHalf(data, ref offset, count, name, source), null),
                "uint8" or "uint16" => DecodeAffine(name, shape, dtype, storage, q, data, ref offset, count, source),
                _ => throw new TfjsFormatException($"{source}: weight '{name}' uses unsupported quantization '{storage}'"),
            };
        }

        return dtype switch
        {
            "float32" => new TfjsTensor(name, shape, ReadFloats(data, ref offset, count, name, source), null),
            "int32" => new TfjsTensor(name, shape, null, ReadInts(data, ref offset, count, name, source)),
            _ => throw new TfjsFormatException($"{source}: weight '{name}' has unsupported dtype '{dtype}'"),
        };
    }

    private static TfjsTensor DecodeAffine(string name, long[] shape, string? dtype, string storage, JsonElement q,
        byte[] data, ref int offset, int count, string source)
    {
        var scale = q.GetProperty("scale").GetSingle();
        var min = q.GetProperty("min").GetSingle();
        var width = storage == "uint8" ? 1 : 2;
        var bytes = Take(data, ref offset, count * width, name, source);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var raw = width == 1 ? bytes[i] : BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2));
            values[i] = (raw * scale) + min;
        }

        if (dtype == "int32")
        {
            return new TfjsTensor(name, shape, null, [.. values.Select(v => (int)MathF.Round(v))]);
        }

        return new TfjsTensor(name, shape, values, null);
    }

    private static float[] ReadFloats(byte[] data, ref int offset, int count, string name, string source)
    {
        var bytes = Take(data, ref offset, count * 4, name, source);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        }

        return values;
    }

    private static float[] ReadHalf(byte[] data, ref int offset, int count, string name, string source)
    {
        var bytes = Take(data, ref offset, count * 2, name, source);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2));
        }

        return values;
    }

    private static int[] ReadInts(byte[] data, ref int offset, int count, string name, string source)
    {
        var bytes = Take(data, ref offset, count * 4, name, source);
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4, 4));
        }

        return values;
    }

    private static ReadOnlySpan<byte> Take(byte[] data, ref int offset, int length, string name, string source)
    {
        if (offset + length > data.Length)
        {
            throw new TfjsFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: weight '{name}' needs bytes {offset}..{offset + length} but the shards hold only {data.Length}"));
        }

        var span = data.AsSpan(offset, length);
        offset += length;
        return span;
    }
}
