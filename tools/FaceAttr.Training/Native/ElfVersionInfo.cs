using System.Buffers.Binary;
using System.Text;

namespace FaceAttr.Training.Native;

/// <summary>One symbol version a shared library needs from another (an ELF <c>Vernaux</c> entry).</summary>
/// <param name="File">The library that must provide it (<c>libstdc++.so.6</c>).</param>
/// <param name="Name">The version name (<c>GLIBCXX_3.4.32</c>).</param>
/// <param name="Index">The version index symbols refer to in <c>.gnu.version</c>.</param>
/// <param name="Weak">Whether the need is marked weak (a missing version is then a warning, not a load failure).</param>
/// <param name="FlagsOffset">File offset of the entry's <c>vna_flags</c>, for <see cref="ElfVersionInfo.MarkWeak"/>.</param>
internal sealed record ElfVersionNeed(string File, string Name, int Index, bool Weak, long FlagsOffset);

/// <summary>
/// Reads what the GNU symbol-versioning sections of an ELF64 little-endian shared library say: the versions it defines,
/// the versions it needs, and which dynamic symbols need a given version. Enough to decide whether a library will load
/// against the system libstdc++, and to mark a version need weak — no more.
/// </summary>
internal sealed class ElfVersionInfo
{
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;

    private readonly byte[] _bytes;
    private readonly List<Section> _sections = [];

    private ElfVersionInfo(string path, byte[] bytes)
    {
        Path = path;
        _bytes = bytes;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path}: not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException($"{path}: only 64-bit little-endian ELF is supported");
        }

        var shoff = (long)U64(0x28);
        var shentsize = U16(0x3A);
        var shnum = U16(0x3C);
        for (var i = 0; i < shnum; i++)
        {
            var at = shoff + ((long)i * shentsize);
            _sections.Add(new Section(U32(at + 4), (long)U64(at + 0x18), (long)U64(at + 0x20), (int)U32(at + 0x28), (long)U64(at + 0x38)));
        }

        Needs = ReadNeeds();
        Definitions = ReadDefinitions();
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Every version the library needs from other libraries.</summary>
    public IReadOnlyList<ElfVersionNeed> Needs { get; }

    /// <summary>Every version name the library defines (for libstdc++: <c>GLIBCXX_3.4</c> … <c>GLIBCXX_3.4.30</c>).</summary>
    public IReadOnlySet<string> Definitions { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file.</exception>
    public static ElfVersionInfo Read(string path) => new(path, File.ReadAllBytes(path));

    /// <summary>Names of the dynamic symbols whose version index is <paramref name="versionIndex"/>.</summary>
    public IReadOnlyList<string> SymbolsNeeding(int versionIndex)
    {
        var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym);
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsym is null || versym is null)
        {
            return [];
        }

        var strtab = _sections[dynsym.Link];
        var count = dynsym.Size / 24;
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if ((U16(versym.Offset + (i * 2)) & 0x7fff) == versionIndex)
            {
                names.Add(ReadString(strtab.Offset + U32(dynsym.Offset + (i * 24))));
            }
        }

        return names;
    }

    /// <summary>
    /// Marks the needs named <paramref name="versionNames"/> weak in <paramref name="path"/> (in place), so the dynamic
    /// linker only warns when the library that should provide them is too old.
    /// </summary>
    public static void MarkWeak(string path, IReadOnlyCollection<string> versionNames)
    {
        var info = Read(path);
        var bytes = info._bytes;
        foreach (var need in info.Needs.Where(n => versionNames.Contains(n.Name)))
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)need.FlagsOffset));
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)need.FlagsOffset), (ushort)(flags | VerFlgWeak));
        }

        File.WriteAllBytes(path, bytes);
    }

    private List<ElfVersionNeed> ReadNeeds()
    {
        var needs = new List<ElfVersionNeed>();
        var section = _sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (section is null)
        {
            return needs;
        }

        var strtab = _sections[section.Link].Offset;
        var at = section.Offset;
        while (true)
        {
            var count = U16(at + 2);
            var file = ReadString(strtab + U32(at + 4));
            var aux = at + U32(at + 8);
            for (var i = 0; i < count; i++)
            {
                var flags = U16(aux + 4);
                needs.Add(new ElfVersionNeed(file, ReadString(strtab + U32(aux + 8)), U16(aux + 6) & 0x7fff, (flags & VerFlgWeak) != 0, aux + 4));
                aux += U32(aux + 12);
            }

            var next = U32(at + 12);
            if (next == 0)
            {
                return needs;
            }

            at += next;
        }
    }

    private HashSet<string> ReadDefinitions()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var section = _sections.FirstOrDefault(s => s.Type == ShtGnuVerdef);
        if (section is null)
        {
            return names;
        }

        var strtab = _sections[section.Link].Offset;
        var at = section.Offset;
        while (true)
        {
            var aux = at + U32(at + 12);
            names.Add(ReadString(strtab + U32(aux)));
            var next = U32(at + 16);
            if (next == 0)
            {
                return names;
            }

            at += next;
        }
    }

    private string ReadString(long offset)
    {
        var end = Array.IndexOf(_bytes, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(_bytes, (int)offset, end - (int)offset);
    }

    private ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)at));

    private uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)at));

    private ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)at));

    private sealed record Section(uint Type, long Offset, long Size, int Link, long EntrySize);
}
