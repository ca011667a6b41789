using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc;

/// <summary>
/// One RPC of a service, taken from its protobuf descriptor so that the path, the call type and
/// the message types cannot drift from the .proto file.
/// </summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private Method(MethodDescriptor descriptor)
    {
        Descriptor = descriptor;
        Type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        FullName = $"/{descriptor.Service.FullName}/{descriptor.Name}";
        IdempotencyLevel = descriptor.GetOptions()?.IdempotencyLevel ?? MethodOptions.Types.IdempotencyLevel.IdempotencyUnknown;
    }

    /// <summary>The protobuf descriptor of the method.</summary>
    public MethodDescriptor Descriptor { get; }

    /// <summary>The call type, from the descriptor's streaming flags; a channel calls the method only in this form.</summary>
    public MethodType Type { get; }

    /// <summary>Fully qualified service name, e.g. <c>agentmesh.v1.Orchestrator</c>.</summary>
    public string ServiceName => Descriptor.Service.FullName;

    /// <summary>Method name, e.g. <c>StartRun</c>.</summary>
    public string Name => Descriptor.Name;

    /// <summary>The HTTP/2 path, e.g. <c>/agentmesh.v1.Orchestrator/StartRun</c>.</summary>
    public string FullName { get; }

    /// <summary>
    /// The method's proto option <c>idempotency_level</c>: <c>NO_SIDE_EFFECTS</c> and
    /// <c>IDEMPOTENT</c> methods may be retried by clients (see <see cref="Client.RetryPolicy"/>).
    /// </summary>
    public MethodOptions.Types.IdempotencyLevel IdempotencyLevel { get; }

    public MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    public MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());

    /// <summary>
    /// The method named <paramref name="name"/> of <paramref name="service"/>.
    /// Throws <see cref="ArgumentException"/> when the service has no such method or its
    /// request/response types are not <typeparamref name="TRequest"/>/<typeparamref name="TResponse"/>.
    /// </summary>
    public static Method<TRequest, TResponse> Create(ServiceDescriptor service, string name)
    {
        var descriptor = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service {service.FullName} has no method {name}.", nameof(name));
        var request = new TRequest().Descriptor;
        var response = new TResponse().Descriptor;
        if (descriptor.InputType.FullName != request.FullName || descriptor.OutputType.FullName != response.FullName)
        {
            throw new ArgumentException(
                $"{service.FullName}.{name} is ({descriptor.InputType.FullName}) -> {descriptor.OutputType.FullName}, " +
                $"not ({request.FullName}) -> {response.FullName}.", nameof(name));
        }

        return new Method<TRequest, TResponse>(descriptor);
    }
}
