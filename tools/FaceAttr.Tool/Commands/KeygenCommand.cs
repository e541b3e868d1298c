using System.CommandLine;
using FaceAttr.Bundles.Signing;

namespace FaceAttr.Tool.Commands;

/// <summary><c>faceattr keygen</c>: creates an ECDSA P-256 signing key pair for bundles.</summary>
public static class KeygenCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder to write NAME.key.pem (private, mode 0600) and NAME.pub.pem (give this one to devices)",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(ToolPaths.RepoRoot, "artifacts", "keys")),
        };
        var name = new Option<string>("--name")
        {
            Description = "File name stem of the key pair",
            DefaultValueFactory = _ => "faceattr-signing",
        };

        var command = new Command("keygen", "Create an ECDSA P-256 key pair for signing model bundles") { output, name };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(name)!));
        return command;
    }

    private static int Run(DirectoryInfo output, string name)
    {
        try
        {
            Directory.CreateDirectory(output.FullName);
            var privatePath = Path.Combine(output.FullName, $"{name}.key.pem");
            var publicPath = Path.Combine(output.FullName, $"{name}.pub.pem");
            using var key = SigningKey.Generate();
            key.Save(privatePath, publicPath);
            Console.WriteLine($"faceattr keygen: key id {key.KeyId}");
            Console.WriteLine($"  private: {privatePath} (keep it secret; never copy it to a device)");
            Console.WriteLine($"  public:  {publicPath} (add it to the devices' trusted keys)");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"faceattr keygen: error: {ex.Message}");
            return 1;
        }
    }
}
