using System.Text.Json;

namespace AgentMesh.Models;

/// <summary>Reads and atomically writes cassette files.</summary>
internal static class CassetteFile
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid version-1 cassette.</exception>
    public static CassetteDocument Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Cassette file '{path}' does not exist.", path);
        }

        CassetteDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CassetteDocument>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Cassette file '{path}' is not valid JSON: {ex.Message}", ex);
        }

        if (document is null || document.Version != 1)
        {
            throw new InvalidDataException($"Cassette file '{path}' must have \"version\": 1.");
        }

        for (var i = 0; i < document.Exchanges.Count; i++)
        {
            var exchange = document.Exchanges[i];
            if (string.IsNullOrEmpty(exchange.Role) || exchange.Turn < 1)
            {
                throw new InvalidDataException($"Cassette file '{path}' exchange #{i + 1} needs a \"role\" and a \"turn\" of at least 1.");
            }
        }

        return document;
    }

    /// <summary>Writes to a temp file in the same folder, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void Save(string path, CassetteDocument document)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, document, JsonOptions);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
