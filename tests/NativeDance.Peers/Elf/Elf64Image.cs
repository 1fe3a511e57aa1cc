using System.Buffers.Binary;
using System.Text;

namespace NativeDance.Peers.Elf;

/// <summary>
/// Just enough of a little-endian ELF64 shared object to reason about symbol versioning: section headers,
/// string tables, version needs (.gnu.version_r), version definitions (.gnu.version_d), the per-symbol version
/// indices (.gnu.version) and the dynamic relocations. Works on an in-memory copy; <see cref="Bytes"/> is mutable.
/// </summary>
internal sealed class Elf64Image
{
    private const uint ShtRela = 4;
    private const uint ShtDynSym = 11;
    private const uint ShtGnuVerDef = 0x6ffffffd;
    private const uint ShtGnuVerNeed = 0x6ffffffe;
    private const uint ShtGnuVerSym = 0x6fffffff;

    private readonly Section[] _sections;

    private Elf64Image(string path, byte[] bytes, Section[] sections)
    {
        Path = path;
        Bytes = bytes;
        _sections = sections;
    }

    /// <summary>Where the image was read from (for messages).</summary>
    public string Path { get; }

    /// <summary>The file's bytes.</summary>
    public byte[] Bytes { get; }

    public static Elf64Image Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file.");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file (class {bytes[4]}, data {bytes[5]}).");
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3a));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3c));
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > bytes.Length)
            throw new InvalidDataException($"{path} has no readable section header table (offset {shoff}, {shnum} x {shentsize} bytes).");
        var sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var h = bytes.AsSpan((int)(shoff + (long)i * shentsize), 64);
            var s = new Section(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                Offset: checked((int)BinaryPrimitives.ReadUInt64LittleEndian(h[24..])),
                Size: checked((int)BinaryPrimitives.ReadUInt64LittleEndian(h[32..])),
                Link: (int)BinaryPrimitives.ReadUInt32LittleEndian(h[40..]));
            if (s.Type != 8 /* SHT_NOBITS */ && (long)s.Offset + s.Size > bytes.Length)
                throw new InvalidDataException($"{path}: section {i} lies outside the file.");
            sections[i] = s;
        }
        return new Elf64Image(path, bytes, sections);
    }

    /// <summary>Every entry of .gnu.version_r: one per (needed library, version) pair.</summary>
    public IReadOnlyList<VersionNeed> VersionNeeds()
    {
        var result = new List<VersionNeed>();
        if (Find(ShtGnuVerNeed) is not { } section) return result;
        int need = section.Offset;
        while (true)
        {
            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            int count = U16(need + 2);
            string file = String(section.Link, U32(need + 4));
            int aux = need + (int)U32(need + 8);
            for (int i = 0; i < count; i++)
            {
                // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                result.Add(new VersionNeed(file, String(section.Link, U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                aux += (int)U32(aux + 12);
            }
            uint next = U32(need + 12);
            if (next == 0) return result;
            need += (int)next;
        }
    }

    /// <summary>The names of the versions this library defines (.gnu.version_d), its own soname version included.</summary>
    public HashSet<string> VersionDefinitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (Find(ShtGnuVerDef) is not { } section) return result;
        int def = section.Offset;
        while (true)
        {
            // Elf64_Verdef: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32, vd_next u32.
            // The first Elf64_Verdaux (vda_name u32, vda_next u32) names the version; later ones name its parents.
            int aux = def + (int)U32(def + 12);
            result.Add(String(section.Link, U32(aux)));
            uint next = U32(def + 16);
            if (next == 0) return result;
            def += (int)next;
        }
    }

    /// <summary>
    /// The version index (.gnu.version entry, hidden bit cleared) of every dynamic symbol that some relocation
    /// in a RELA section over the dynamic symbol table refers to (.rela.dyn and .rela.plt).
    /// </summary>
    public HashSet<int> VersionIndicesBoundByRelocations()
    {
        var result = new HashSet<int>();
        int dynsym = Array.FindIndex(_sections, s => s.Type == ShtDynSym);
        if (dynsym < 0) return result;
        if (Find(ShtGnuVerSym) is not { } versym) return result;
        foreach (var rela in _sections.Where(s => s.Type == ShtRela && s.Link == dynsym))
        {
            // Elf64_Rela: r_offset u64, r_info u64 (symbol index in the high 32 bits), r_addend i64.
            for (int at = rela.Offset; at + 24 <= rela.Offset + rela.Size; at += 24)
            {
                int symbol = (int)(BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(at + 8)) >> 32);
                if (symbol != 0) result.Add(U16(versym.Offset + 2 * symbol) & 0x7fff);
            }
        }
        return result;
    }

    private Section? Find(uint type)
    {
        foreach (var s in _sections)
            if (s.Type == type) return s;
        return null;
    }

    private string String(int stringSection, uint offset)
    {
        var table = _sections[stringSection];
        var bytes = Bytes.AsSpan(table.Offset + (int)offset, table.Size - (int)offset);
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(at));

    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(at));

    private readonly record struct Section(uint Type, int Offset, int Size, int Link);
}

/// <summary>One version requirement: <paramref name="File"/> must define <paramref name="Version"/>.</summary>
/// <param name="File">The needed library's soname.</param>
/// <param name="Version">The version name, e.g. GLIBCXX_3.4.32.</param>
/// <param name="Flags">vna_flags; bit 0x2 (VER_FLG_WEAK) lets the loader go on when the version is missing.</param>
/// <param name="Index">vna_other: the index symbols use in .gnu.version to refer to this version.</param>
/// <param name="FlagsOffset">File offset of vna_flags.</param>
internal readonly record struct VersionNeed(string File, string Version, ushort Flags, ushort Index, int FlagsOffset)
{
    public const ushort WeakFlag = 0x2;

    public bool IsWeak => (Flags & WeakFlag) != 0;
}
