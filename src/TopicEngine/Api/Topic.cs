namespace TopicEngine;

/// <summary>One of a topic's most probable terms.</summary>
/// <param name="TermId">The term's id in the model's vocabulary (its index in <see cref="TopicModel.Terms"/>).</param>
/// <param name="Term">The term as the analyzer produced it (lower-cased, stemmed when the model stems).</param>
/// <param name="Probability">E[β_kw] = λ_kw / Σ_w' λ_kw': the topic's probability of the term.</param>
public sealed record TopicWord(int TermId, string Term, float Probability);

/// <summary>A topic and its most probable terms, most probable first (as in <c>topics.parquet</c>).</summary>
/// <param name="Id">The topic's id, 0..K−1 (the <c>topic_id</c> of the Parquet files).</param>
/// <param name="Words">The top terms in descending probability (ties: lower term id first).</param>
public sealed record Topic(int Id, IReadOnlyList<TopicWord> Words);
