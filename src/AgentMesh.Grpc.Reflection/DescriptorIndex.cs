using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Reflection;

/// <summary>
/// The descriptors a server's services reach: their files and all files those import, by file
/// name, by fully qualified symbol (services, methods, messages, fields, oneofs, enums, enum values,
/// extensions; nested ones too) and by extension (extended message, field number).
/// </summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<int, FieldDescriptor>> _extensionsByType = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageTypes = new(StringComparer.Ordinal);

    public DescriptorIndex(IEnumerable<ServiceDescriptor> services)
    {
        ServiceNames = services.Select(service => service.FullName).ToList();
        foreach (var service in services)
        {
            AddFile(service.File);
        }
    }

    /// <summary>The full names of the services, e.g. <c>grpc.health.v1.Health</c>.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    /// <summary>The file defining <paramref name="symbol"/> (a leading dot is allowed), or null.</summary>
    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol.TrimStart('.'));

    /// <summary>True when <paramref name="name"/> is a message type of the index.</summary>
    public bool IsMessageType(string name) => _messageTypes.Contains(name.TrimStart('.'));

    /// <summary>The extension of message <paramref name="type"/> with field <paramref name="number"/>, or null.</summary>
    public FieldDescriptor? FindExtension(string type, int number)
        => _extensionsByType.TryGetValue(type.TrimStart('.'), out var extensions) ? extensions.GetValueOrDefault(number) : null;

    /// <summary>The field numbers of the known extensions of message <paramref name="type"/>, ascending.</summary>
    public IEnumerable<int> ExtensionNumbers(string type)
        => _extensionsByType.TryGetValue(type.TrimStart('.'), out var extensions) ? extensions.Keys : Enumerable.Empty<int>();

    /// <summary>
    /// The serialized <c>FileDescriptorProto</c> of <paramref name="file"/> first, then those of the
    /// files it imports, transitively, each once.
    /// </summary>
    public static IEnumerable<ByteString> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Name))
            {
                continue;
            }

            yield return next.SerializedData;
            for (var i = next.Dependencies.Count - 1; i >= 0; i--)
            {
                pending.Push(next.Dependencies[i]);
            }
        }
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }

        foreach (var service in file.Services)
        {
            AddSymbol(service.FullName, file);
            foreach (var method in service.Methods)
            {
                AddSymbol(method.FullName, file);
            }
        }

        AddScope(file.Package, file.MessageTypes, file.EnumTypes, file.Extensions, file);
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        AddSymbol(message.FullName, file);
        _messageTypes.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            AddSymbol(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            AddSymbol(oneof.FullName, file);
        }

        AddScope(message.FullName, message.NestedTypes, message.EnumTypes, message.Extensions, file);
    }

    /// <summary>The messages, enums and extensions declared in a file (scope: its package) or in a message.</summary>
    private void AddScope(string scope, IEnumerable<MessageDescriptor> messages, IEnumerable<EnumDescriptor> enums, ExtensionCollection extensions, FileDescriptor file)
    {
        foreach (var message in messages)
        {
            AddMessage(message, file);
        }

        foreach (var enumType in enums)
        {
            AddEnum(enumType, scope, file);
        }

        foreach (var extension in extensions.UnorderedExtensions)
        {
            AddSymbol(extension.FullName, file);
            var type = extension.ExtendeeType.FullName;
            if (!_extensionsByType.TryGetValue(type, out var byNumber))
            {
                _extensionsByType[type] = byNumber = new SortedDictionary<int, FieldDescriptor>();
            }

            byNumber.TryAdd(extension.FieldNumber, extension);
        }
    }

    /// <summary>Enum values are named in the scope that holds the enum (protobuf's scoping), e.g. <c>pkg.Msg.VALUE</c>.</summary>
    private void AddEnum(EnumDescriptor enumType, string scope, FileDescriptor file)
    {
        AddSymbol(enumType.FullName, file);
        foreach (var value in enumType.Values)
        {
            AddSymbol(scope.Length > 0 ? $"{scope}.{value.Name}" : value.Name, file);
        }
    }

    private void AddSymbol(string name, FileDescriptor file) => _symbols.TryAdd(name, file);
}
