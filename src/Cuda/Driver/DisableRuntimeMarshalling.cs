using System.Runtime.CompilerServices;

// Every native signature in this assembly is blittable (pointers, integers, enums), so the runtime never marshals:
// the source-generated stubs are direct calls, and the binding works trimmed and Native-AOT compiled.
[assembly: DisableRuntimeMarshalling]
