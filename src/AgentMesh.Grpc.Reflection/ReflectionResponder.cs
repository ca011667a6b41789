using AgentMesh.Grpc.Reflection.V1;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Reflection;

/// <summary>
/// Answers reflection queries (grpc.reflection.v1 messages; v1alpha's are identical on the wire)
/// from a <see cref="DescriptorIndex"/>. Every request gets one response: the answer, or an
/// <see cref="ErrorResponse"/> with a gRPC status code.
/// </summary>
internal sealed class ReflectionResponder(DescriptorIndex index)
{
    public ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, index.FindFile(request.FileByFilename), $"File '{request.FileByFilename}' is not known to this server.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, index.FindFileContainingSymbol(request.FileContainingSymbol),
                    $"Symbol '{request.FileContainingSymbol}' is not known to this server; give a fully qualified name such as 'grpc.health.v1.Health'.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var wanted = request.FileContainingExtension;
                SetFile(response, index.FindExtension(wanted.ContainingType, wanted.ExtensionNumber)?.File,
                    index.IsMessageType(wanted.ContainingType)
                        ? $"Message type '{wanted.ContainingType}' has no known extension {wanted.ExtensionNumber}."
                        : $"Message type '{wanted.ContainingType}' is not known to this server.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var type = request.AllExtensionNumbersOfType;
                if (!index.IsMessageType(type))
                {
                    SetError(response, StatusCode.NotFound, $"Message type '{type}' is not known to this server.");
                    break;
                }

                var numbers = new ExtensionNumberResponse { BaseTypeName = type.TrimStart('.') };
                numbers.ExtensionNumber.AddRange(index.ExtensionNumbers(type));
                response.AllExtensionNumbersResponse = numbers;
                break;
            default:
                SetError(response, StatusCode.Unimplemented,
                    "The request has no query this server supports: set one of file_by_filename, file_containing_symbol, "
                    + "file_containing_extension, all_extension_numbers_of_type, list_services.");
                break;
        }

        return response;
    }

    private static void SetFile(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(DescriptorIndex.WithDependencies(file));
        response.FileDescriptorResponse = files;
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message)
        => response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
