using System.Text.RegularExpressions;
using NativeDance.Cuda;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>
/// Builds one entry from its header and body statements: declarations (.reg, .shared, .extern .shared, .local), labels and
/// instructions, then resolves branch targets and lays out shared memory into a <see cref="KernelProgram"/>.
/// </summary>
internal sealed partial class EntryBuilder
{
    private readonly string _moduleName;
    private readonly string _name;
    private readonly string[] _sourceLines;
    private readonly PtxParameter[] _parameters;
    private readonly int _parameterBytes;
    private readonly Dim3? _requiredBlock;
    private readonly ulong _maxThreads;
    private readonly Operands _operands = new();
    private readonly InstructionDecoder _decoder;
    private readonly List<Instruction> _code = [];
    private readonly List<int> _lines = [];
    private readonly Dictionary<string, int> _labels = [];
    private readonly List<(int Index, string Label)> _branches = [];
    private readonly List<string> _externShared = [];
    private int _sharedBytes, _externAlignment = 1, _localBytes;

    /// <summary>Starts an entry with its parsed header.</summary>
    public EntryBuilder(string moduleName, string name, string[] sourceLines, PtxParameter[] parameters, Dim3? requiredBlock, ulong maxThreads)
    {
        _moduleName = moduleName;
        _name = name;
        _sourceLines = sourceLines;
        _parameters = parameters;
        _requiredBlock = requiredBlock;
        _maxThreads = maxThreads;
        _decoder = new InstructionDecoder(_operands);
        // The buffer is the host's sequential struct: parameters at natural alignment. Its size must be the end of the last
        // parameter: an H200's driver refused a 24-byte buffer for 20 bytes of parameters (CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES),
        // so a struct with tail padding is refused here too, before it meets a GPU.
        int end = 0;
        foreach (var parameter in parameters)
        {
            _operands.DeclareSymbol(parameter.Name, MemorySpace.Param, (ulong)parameter.Offset);
            end = Math.Max(end, parameter.Offset + parameter.Size);
        }

        _parameterBytes = end;
    }

    /// <summary>Entry name.</summary>
    public string Name => _name;

    /// <summary>Adds a declaration or instruction statement starting at <paramref name="line"/>.</summary>
    public void Add(string statement, int line)
    {
        if (statement.StartsWith(".reg", StringComparison.Ordinal))
        {
            DeclareRegisters(statement);
        }
        else if (statement.StartsWith('.'))
        {
            DeclareVariable(statement);
        }
        else
        {
            var instruction = _decoder.Decode(statement, out string? label);
            if (label is not null)
            {
                _branches.Add((_code.Count, label));
            }

            _code.Add(instruction);
            _lines.Add(line);
        }
    }

    /// <summary>Marks the position of the next instruction with <paramref name="label"/>.</summary>
    public void AddLabel(string label)
    {
        if (!_labels.TryAdd(label, _code.Count))
        {
            throw new PtxSyntaxError($"label '{label}' is defined twice");
        }
    }

    /// <summary>Finishes the entry; the closing brace at <paramref name="closingLine"/> is an implicit exit.</summary>
    public KernelProgram Build(int closingLine, Func<int, string, Exception> error)
    {
        _code.Add(Instruction.Create(Opcode.Exit, PtxType.None));
        _lines.Add(closingLine);
        var code = _code.ToArray();
        foreach (var (index, label) in _branches)
        {
            if (!_labels.TryGetValue(label, out int target))
            {
                throw error(_lines[index], $"branch target '{label}' is not defined in entry {_name}");
            }

            code[index].Target = target;
        }

        int dynamicOffset = Align(_sharedBytes, _externAlignment);
        foreach (string name in _externShared)
        {
            _operands.SetSymbolAddress(name, (ulong)dynamicOffset);
        }

        return new KernelProgram
        {
            Name = _name,
            ModuleName = _moduleName,
            Code = code,
            Lines = [.. _lines],
            LineTexts = _lines.Select(l => _sourceLines[l - 1]).ToArray(),
            SlotsPerThread = _operands.SlotCount,
            InitialSlots = _operands.InitialSlots(),
            Specials = _operands.Specials(),
            StaticSharedBytes = _sharedBytes,
            DynamicSharedOffset = dynamicOffset,
            LocalBytes = _localBytes,
            Parameters = _parameters,
            ParameterBytes = _parameterBytes,
            RequiredBlock = _requiredBlock,
            MaxThreads = _maxThreads,
        };
    }

    private void DeclareRegisters(string statement)
    {
        var match = RegisterDeclaration().Match(statement);
        var type = match.Success ? PtxTypes.Parse(match.Groups[1].Value) : PtxType.None;
        if (type == PtxType.None || type == PtxType.B8 || type == PtxType.U8 || type == PtxType.S8)
        {
            throw new PtxSyntaxError("register declarations must be '.reg .type %name<N>;' or '.reg .type %a, %b;' with a 16, 32, 64-bit or .pred type");
        }

        foreach (string name in match.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = RegisterRange().Match(name);
            if (range.Success)
            {
                int count = int.Parse(range.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                for (int i = 0; i < count; i++)
                {
                    _operands.DeclareRegister(range.Groups[1].Value + i, type);
                }
            }
            else if (RegisterName().IsMatch(name))
            {
                _operands.DeclareRegister(name, type);
            }
            else
            {
                throw new PtxSyntaxError($"'{name}' is not a register name");
            }
        }
    }

    private void DeclareVariable(string statement)
    {
        var match = VariableDeclaration().Match(statement);
        if (!match.Success)
        {
            throw new PtxSyntaxError("only .reg, .shared, .extern .shared and .local declarations of the form " +
                "'.shared .align A .type name[N];' are supported in an entry");
        }

        bool isExtern = match.Groups[1].Success;
        bool shared = match.Groups[2].Value == "shared";
        var type = PtxTypes.Parse(match.Groups[4].Value);
        if (type == PtxType.None || type == PtxType.Pred)
        {
            throw new PtxSyntaxError($"variable type .{match.Groups[4].Value} is not supported");
        }

        int alignment = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : type.Size();
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0 || alignment < type.Size())
        {
            throw new PtxSyntaxError($".align {alignment} must be a power of two of at least the element size {type.Size()}");
        }

        string name = match.Groups[5].Value;
        string dimensions = match.Groups[6].Value.Replace(" ", "", StringComparison.Ordinal);
        if (isExtern)
        {
            if (!shared || dimensions != "[]")
            {
                throw new PtxSyntaxError("only '.extern .shared .align A .type name[];' (dynamic shared memory) is supported");
            }

            _operands.DeclareSymbol(name, MemorySpace.Shared, 0);
            _externShared.Add(name);
            _externAlignment = Math.Max(_externAlignment, alignment);
            return;
        }

        long elements = 1;
        foreach (Match dimension in Dimension().Matches(dimensions))
        {
            elements *= dimension.Groups[1].Length > 0
                ? long.Parse(dimension.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                : throw new PtxSyntaxError($"array '{name}' needs a size (only extern shared arrays are unsized)");
        }

        long bytes = elements * type.Size();
        ref int cursor = ref shared ? ref _sharedBytes : ref _localBytes;
        int offset = Align(cursor, alignment);
        if (offset + bytes > 256 * 1024)
        {
            throw new PtxSyntaxError($"variable '{name}' of {bytes} bytes does not fit in 256 KiB");
        }

        _operands.DeclareSymbol(name, shared ? MemorySpace.Shared : MemorySpace.Local, (ulong)offset);
        cursor = offset + (int)bytes;
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    [GeneratedRegex(@"^\.reg\s+\.(\w+)\s+(.+)$", RegexOptions.Singleline)]
    private static partial Regex RegisterDeclaration();

    [GeneratedRegex(@"^(%[A-Za-z_$][\w$]*)<(\d+)>$")]
    private static partial Regex RegisterRange();

    [GeneratedRegex(@"^%[A-Za-z_$][\w$]*$")]
    private static partial Regex RegisterName();

    [GeneratedRegex(@"^(\.extern\s+)?\.(shared|local)\s+(?:\.align\s+(\d+)\s+)?\.(\w+)\s+([A-Za-z_$][\w$]*)\s*((?:\[\s*\d*\s*\]\s*)*)$", RegexOptions.Singleline)]
    private static partial Regex VariableDeclaration();

    [GeneratedRegex(@"\[\s*(\d*)\s*\]")]
    private static partial Regex Dimension();
}
