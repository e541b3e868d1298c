using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;
using SkiaSharp;

namespace FaceAttr.Tool.Analyze;

/// <summary>Draws what the analysis saw — boxes, mesh points, keypoints, labels — onto a copy of the image and saves it as PNG.</summary>
public static class Annotator
{
    /// <summary>Writes the annotated image to <paramref name="pngPath"/>.</summary>
    public static void Save(DecodedImage image, IReadOnlyList<FaceAnalysis> faces, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        CopyPixels(image, bitmap);
        using (var canvas = new SKCanvas(bitmap))
        {
            var scale = Math.Max(1f, image.Width / 800f);
            using var font = new SKFont(SKTypeface.Default, 13 * scale);
            using var boxPaint = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2 * scale, IsAntialias = true };
            using var meshPaint = new SKPaint { Color = new SKColor(0, 255, 255, 160), IsAntialias = true };
            using var keyPaint = new SKPaint { Color = SKColors.Red, IsAntialias = true };
            using var textPaint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            using var backPaint = new SKPaint { Color = new SKColor(0, 0, 0, 170) };
            foreach (var face in faces)
            {
                var box = face.Detection.Box;
                boxPaint.Color = face.GateReasons.Count == 0 ? SKColors.Lime : SKColors.Orange;
                canvas.DrawRect(box.X, box.Y, box.Width, box.Height, boxPaint);
                if (face.Landmarks is { } mesh)
                {
                    foreach (var p in mesh)
                    {
                        canvas.DrawCircle(p.X, p.Y, 0.9f * scale, meshPaint);
                    }
                }

                for (var k = 0; k < FaceAttr.Core.Faces.FaceKeypoints.Count; k++)
                {
                    canvas.DrawCircle(face.Detection.Keypoints[k].X, face.Detection.Keypoints[k].Y, 2.5f * scale, keyPaint);
                }

                var lines = AnalysisText.Lines(face);
                var lineHeight = font.Spacing;
                var top = Math.Max(0, box.Y - (lines.Count * lineHeight) - (4 * scale));
                var width = lines.Max(l => font.MeasureText(l)) + (6 * scale);
                canvas.DrawRect(box.X, top, width, (lines.Count * lineHeight) + (4 * scale), backPaint);
                for (var i = 0; i < lines.Count; i++)
                {
                    canvas.DrawText(lines[i], box.X + (3 * scale), top + ((i + 1) * lineHeight) - (2 * scale), font, textPaint);
                }
            }
        }

        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(pngPath);
        encoded.SaveTo(file);
    }

    private static void CopyPixels(DecodedImage image, SKBitmap bitmap)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        var rgb = image.Pixels;
        for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
        {
            rgba[o] = rgb[i];
            rgba[o + 1] = rgb[i + 1];
            rgba[o + 2] = rgb[i + 2];
            rgba[o + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
    }
}
