using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Health;
using AgentMesh.Grpc.Reflection;
using AgentMesh.Grpc.Reflection.V1;
using AgentMesh.Grpc.Server;
using AgentMesh.Tests.Grpc.Protos.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace AgentMesh.Tests.Grpc.Lifecycle;

/// <summary>grpc.reflection v1 and v1alpha served by a real Kestrel host, queried by our client.</summary>
public sealed class ReflectionTests : IAsyncLifetime
{
    private static readonly string ProbeFile = ReflectionProbeReflection.Descriptor.Name;

    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(
            services: services => services.AddGrpcHealth(),
            map: app =>
            {
                app.MapGrpcService<ReflectionProbeService>(ReflectionProbeService.Descriptor);
                app.MapGrpcHealthService();
                app.MapGrpcReflectionService();
            });
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task List_services_names_every_mapped_service_including_health_and_reflection(string version)
    {
        using var stream = new ReflectionStream(_channel, version);

        var response = await stream.AskAsync(new ServerReflectionRequest { Host = "probe-host", ListServices = "*" });

        Assert.Equal(
            new[] { "agentmesh.test.Echo", "agentmesh.test.reflection.ReflectionProbe", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection" },
            response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("probe-host", response.ValidHost);
        Assert.Equal("*", response.OriginalRequest.ListServices);
    }

    [Theory]
    [InlineData("v1", "agentmesh.test.reflection.ReflectionProbe")]
    [InlineData("v1", "agentmesh.test.reflection.ReflectionProbe.Inspect")]
    [InlineData("v1", "agentmesh.test.reflection.Extendable")]
    [InlineData("v1", "agentmesh.test.reflection.Extendable.Inner")]
    [InlineData("v1", "agentmesh.test.reflection.Extendable.Inner.Kind")]
    [InlineData("v1", "agentmesh.test.reflection.Extendable.Inner.KIND_SPECIAL")]
    [InlineData("v1", "agentmesh.test.reflection.Extendable.name")]
    [InlineData("v1", "agentmesh.test.reflection.Extendable.choice")]
    [InlineData("v1", "agentmesh.test.reflection.Level")]
    [InlineData("v1", "agentmesh.test.reflection.LEVEL_HIGH")]
    [InlineData("v1", "agentmesh.test.reflection.priority")]
    [InlineData("v1", "agentmesh.test.reflection.Holder.label")]
    [InlineData("v1alpha", "agentmesh.test.reflection.Extendable.Inner")]
    [InlineData("v1alpha", ".agentmesh.test.reflection.ReflectionProbe.Inspect")]
    public async Task File_containing_symbol_returns_the_defining_file_first_then_its_imports(string version, string symbol)
    {
        using var stream = new ReflectionStream(_channel, version);

        var response = await stream.AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });

        var files = Parse(response);
        Assert.Equal(new[] { ProbeFile, "google/protobuf/empty.proto" }, files.Select(f => f.Name));
        Assert.Equal(new[] { "google/protobuf/empty.proto" }, files[0].Dependency);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task The_descriptors_of_every_listed_service_build_a_pool_that_defines_its_methods(string version)
    {
        using var stream = new ReflectionStream(_channel, version);
        var services = (await stream.AskAsync(new ServerReflectionRequest { ListServices = "" })).ListServicesResponse.Service;

        foreach (var name in services.Select(s => s.Name))
        {
            var response = await stream.AskAsync(new ServerReflectionRequest { FileContainingSymbol = name });
            var pool = FileDescriptor.BuildFromByteStrings(InDependencyOrder(response.FileDescriptorResponse.FileDescriptorProto));
            var service = pool.SelectMany(f => f.Services).Single(s => s.FullName == name);
            Assert.NotEmpty(service.Methods);
            Assert.All(service.Methods, m => Assert.NotNull(m.InputType));
        }
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task File_by_filename_answers_known_files_and_NOT_FOUND_for_others_on_the_same_stream(string version)
    {
        using var stream = new ReflectionStream(_channel, version);

        var missing = await stream.AskAsync(new ServerReflectionRequest { FileByFilename = "no/such.proto" });
        var empty = await stream.AskAsync(new ServerReflectionRequest { FileByFilename = "google/protobuf/empty.proto" });
        var health = await stream.AskAsync(new ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });
        var unknownSymbol = await stream.AskAsync(new ServerReflectionRequest { FileContainingSymbol = "agentmesh.test.Nothing" });

        Assert.Equal((int)StatusCode.NotFound, missing.ErrorResponse.ErrorCode);
        Assert.Contains("no/such.proto", missing.ErrorResponse.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(new[] { "google/protobuf/empty.proto" }, Parse(empty).Select(f => f.Name));
        Assert.Equal("grpc.health.v1", Parse(health).Single().Package);
        Assert.Equal((int)StatusCode.NotFound, unknownSymbol.ErrorResponse.ErrorCode);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task Extensions_are_found_by_type_and_number_and_listed_per_type(string version)
    {
        using var stream = new ReflectionStream(_channel, version);

        var numbers = await stream.AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "agentmesh.test.reflection.Extendable" });
        var none = await stream.AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "agentmesh.test.reflection.Plain" });
        var unknownType = await stream.AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "agentmesh.test.reflection.Nothing" });
        var nested = await stream.AskAsync(Extension("agentmesh.test.reflection.Extendable", 101));
        var unusedNumber = await stream.AskAsync(Extension("agentmesh.test.reflection.Extendable", 150));
        var ofUnknownType = await stream.AskAsync(Extension("agentmesh.test.reflection.Nothing", 100));

        Assert.Equal("agentmesh.test.reflection.Extendable", numbers.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Equal(new[] { 100, 101 }, numbers.AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Empty(none.AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.AllExtensionNumbersResponse, none.MessageResponseCase);
        Assert.Equal((int)StatusCode.NotFound, unknownType.ErrorResponse.ErrorCode);
        Assert.Equal(ProbeFile, Parse(nested)[0].Name);
        Assert.Equal((int)StatusCode.NotFound, unusedNumber.ErrorResponse.ErrorCode);
        Assert.Contains("150", unusedNumber.ErrorResponse.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((int)StatusCode.NotFound, ofUnknownType.ErrorResponse.ErrorCode);
    }

    [Fact]
    public async Task A_request_without_a_query_gets_UNIMPLEMENTED_and_the_stream_goes_on()
    {
        using var stream = new ReflectionStream(_channel, "v1");

        var empty = await stream.AskAsync(new ServerReflectionRequest { Host = "h" });
        var list = await stream.AskAsync(new ServerReflectionRequest { ListServices = "" });

        Assert.Equal((int)StatusCode.Unimplemented, empty.ErrorResponse.ErrorCode);
        Assert.NotEmpty(list.ListServicesResponse.Service);
    }

    private static ServerReflectionRequest Extension(string type, int number)
        => new() { FileContainingExtension = new ExtensionRequest { ContainingType = type, ExtensionNumber = number } };

    private static List<FileDescriptorProto> Parse(ServerReflectionResponse response)
    {
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        return response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
    }

    /// <summary>Orders files so that each comes after its imports, as building a pool requires; fails on a missing import.</summary>
    private static List<ByteString> InDependencyOrder(IEnumerable<ByteString> files)
    {
        var byName = files.ToDictionary(f => FileDescriptorProto.Parser.ParseFrom(f).Name);
        var ordered = new List<ByteString>();
        var placed = new HashSet<string>();
        void Place(string name)
        {
            Assert.True(byName.ContainsKey(name), $"import {name} is missing from the response");
            if (!placed.Add(name))
            {
                return;
            }

            foreach (var dependency in FileDescriptorProto.Parser.ParseFrom(byName[name]).Dependency)
            {
                Place(dependency);
            }

            ordered.Add(byName[name]);
        }

        foreach (var name in byName.Keys)
        {
            Place(name);
        }

        return ordered;
    }
}
