using System.Security.Cryptography;
using System.Text;

namespace AgentMesh.Workflow.Replay;

/// <summary>Name-based GUIDs (RFC 4122 §4.3, version 5, SHA-1).</summary>
internal static class DeterministicGuid
{
    /// <summary>Namespace of workflow GUIDs (the RFC 4122 URL namespace).</summary>
    public static readonly Guid WorkflowNamespace = new("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    public static Guid Create(Guid namespaceId, string name)
    {
        var namespaceBytes = namespaceId.ToByteArray(bigEndian: true);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[namespaceBytes.Length + nameBytes.Length];
        namespaceBytes.CopyTo(buffer, 0);
        nameBytes.CopyTo(buffer, namespaceBytes.Length);
        var hash = SHA1.HashData(buffer);
        var guid = hash.AsSpan(0, 16).ToArray();
        guid[6] = (byte)((guid[6] & 0x0F) | 0x50);
        guid[8] = (byte)((guid[8] & 0x3F) | 0x80);
        return new Guid(guid, bigEndian: true);
    }
}
