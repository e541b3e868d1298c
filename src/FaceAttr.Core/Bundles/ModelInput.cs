using System.Text.Json.Serialization;

namespace FaceAttr.Core.Bundles;

/// <summary>Memory layout of an image tensor.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TensorLayout>))]
public enum TensorLayout
{
    /// <summary>Batch, height, width, channels (TensorFlow order).</summary>
    [JsonStringEnumMemberName("NHWC")] Nhwc,

    /// <summary>Batch, channels, height, width (PyTorch/ONNX order).</summary>
    [JsonStringEnumMemberName("NCHW")] Nchw,
}

/// <summary>Channel order (or grey conversion) a model expects.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColorOrder>))]
public enum ColorOrder
{
    /// <summary>Red, green, blue.</summary>
    [JsonStringEnumMemberName("rgb")] Rgb,

    /// <summary>Blue, green, red (OpenCV-trained Keras models such as SSR-Net).</summary>
    [JsonStringEnumMemberName("bgr")] Bgr,

    /// <summary>One channel: 0.2989 R + 0.587 G + 0.114 B (ITU-R 601 luma, as oarriaga's models were trained).</summary>
    [JsonStringEnumMemberName("gray")] Gray,
}

/// <summary>
/// How pixels become the model's input tensor. For an 8-bit pixel value <c>p</c> of channel <c>c</c>
/// the tensor holds <c>(p · Scale − Mean[c]) / Std[c]</c>; e.g. BlazeFace's <c>p/127.5 − 1</c> is
/// Scale 1/127.5, Mean 1, Std 1, and the field notes' <c>(p/255 − mean)/std</c> is Scale 1/255.
/// </summary>
public sealed record ModelInput
{
    /// <summary>ONNX input name.</summary>
    public required string Name { get; init; }

    /// <summary>Tensor layout.</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nhwc;

    /// <summary>Input width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Input height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Channel order; <see cref="ColorOrder.Gray"/> means one channel.</summary>
    public ColorOrder Color { get; init; } = ColorOrder.Rgb;

    /// <summary>Multiplier applied to the 0–255 pixel value.</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Per-channel value subtracted after scaling (one value applies to all channels).</summary>
    public float[] Mean { get; init; } = [0f];

    /// <summary>Per-channel divisor applied last (one value applies to all channels).</summary>
    public float[] Std { get; init; } = [1f];

    /// <summary>
    /// Side of the square face crop as a multiple of the detected face box side (attribute and landmark
    /// models): how much context around the face the model was trained with.
    /// </summary>
    public float CropScale { get; init; } = 1f;

    /// <summary>Whether the batch dimension is dynamic in the ONNX graph.</summary>
    public bool DynamicBatch { get; init; }

    /// <summary>Number of channels the tensor carries.</summary>
    [JsonIgnore]
    public int Channels => Color == ColorOrder.Gray ? 1 : 3;
}
