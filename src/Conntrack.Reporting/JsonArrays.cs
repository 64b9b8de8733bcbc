using System.Text.Json;

namespace Conntrack.Reporting;

/// <summary>The one shape every JSON renderer repeats: a named array with one object per item.</summary>
internal static class JsonArrays
{
    public static void WriteObjects<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFields)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            writeFields(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
