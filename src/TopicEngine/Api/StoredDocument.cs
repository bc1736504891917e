using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace TopicEngine;

/// <summary>
/// Rebuilds an index document from what the index keeps of it, so that it can be re-added (<c>annotate</c>): every stored
/// field with its value, indexed again as its field info says (a field indexed with docs only and no norms, the signature of
/// a <c>StringField</c>, as one token; any other indexed text field analysed), numeric fields as numeric fields, and the
/// document's doc values of every type. Fields indexed but never stored cannot be rebuilt (their terms are not kept).
/// </summary>
internal static class StoredDocument
{
    /// <summary>Document <paramref name="doc"/> of a segment, from its <paramref name="stored"/> fields and doc values, without the
    /// fields named in <paramref name="exclude"/>.</summary>
    public static Document Rebuild(Document stored, AtomicReader reader, int doc, FieldInfos infos, ISet<string> exclude)
    {
        var rebuilt = new Document();
        foreach (var field in stored.Fields)
        {
            if (exclude.Contains(field.Name)) continue;
            var info = infos.FieldInfo(field.Name);
            rebuilt.Add(Restore((Field)field, info));
        }
        foreach (var info in infos)
        {
            if (exclude.Contains(info.Name) || info.DocValuesType == DocValuesType.NONE) continue;
            AddDocValues(reader, doc, info, rebuilt);
        }
        return rebuilt;
    }

    private static Field Restore(Field field, FieldInfo? info)
    {
        bool indexed = info is { IsIndexed: true };
        var store = Field.Store.YES;
        switch (field.NumericType)
        {
            case NumericFieldType.INT32: return indexed ? new Int32Field(field.Name, field.GetInt32Value()!.Value, store) : new StoredField(field.Name, field.GetInt32Value()!.Value);
            case NumericFieldType.INT64: return indexed ? new Int64Field(field.Name, field.GetInt64Value()!.Value, store) : new StoredField(field.Name, field.GetInt64Value()!.Value);
            case NumericFieldType.SINGLE: return indexed ? new SingleField(field.Name, field.GetSingleValue()!.Value, store) : new StoredField(field.Name, field.GetSingleValue()!.Value);
            case NumericFieldType.DOUBLE: return indexed ? new DoubleField(field.Name, field.GetDoubleValue()!.Value, store) : new StoredField(field.Name, field.GetDoubleValue()!.Value);
        }
        if (field.GetBinaryValue() is { } bytes) return new StoredField(field.Name, BytesRef.DeepCopyOf(bytes));
        string value = field.GetStringValue() ?? "";
        if (!indexed) return new StoredField(field.Name, value);
        bool keyword = info!.IndexOptions == IndexOptions.DOCS_ONLY && info.OmitsNorms;
        var type = new FieldType
        {
            IsStored = true,
            IsIndexed = true,
            IsTokenized = !keyword,
            OmitNorms = info.OmitsNorms,
            IndexOptions = info.IndexOptions,
            StoreTermVectors = info.HasVectors,
        };
        type.Freeze();
        return new Field(field.Name, value, type);
    }

    private static void AddDocValues(AtomicReader reader, int doc, FieldInfo info, Document rebuilt)
    {
        var has = reader.GetDocsWithField(info.Name);
        if (has is not null && !has.Get(doc)) return;
        var scratch = new BytesRef();
        switch (info.DocValuesType)
        {
            case DocValuesType.NUMERIC:
                if (reader.GetNumericDocValues(info.Name) is { } numeric) rebuilt.Add(new NumericDocValuesField(info.Name, numeric.Get(doc)));
                break;
            case DocValuesType.BINARY:
                if (reader.GetBinaryDocValues(info.Name) is { } binary)
                {
                    binary.Get(doc, scratch);
                    rebuilt.Add(new BinaryDocValuesField(info.Name, BytesRef.DeepCopyOf(scratch)));
                }
                break;
            case DocValuesType.SORTED:
                if (reader.GetSortedDocValues(info.Name) is { } sorted && sorted.GetOrd(doc) >= 0)
                {
                    sorted.Get(doc, scratch);
                    rebuilt.Add(new SortedDocValuesField(info.Name, BytesRef.DeepCopyOf(scratch)));
                }
                break;
            case DocValuesType.SORTED_SET:
                if (reader.GetSortedSetDocValues(info.Name) is { } set)
                {
                    set.SetDocument(doc);
                    for (long ord = set.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = set.NextOrd())
                    {
                        set.LookupOrd(ord, scratch);
                        rebuilt.Add(new SortedSetDocValuesField(info.Name, BytesRef.DeepCopyOf(scratch)));
                    }
                }
                break;
        }
    }
}
