// A person's own categories beside the model's: the algorithm of model_training/core/own_categories.py (which
// says why it works and how the threshold was chosen), kept identical to it by a parity test.
// An embedding is the model's last LSTM state after a drawing's last point; a prototype is the unit mean
// of an own category's unit embeddings; an own category is proposed, ahead of the model's guesses, when
// the drawing's cosine similarity to it reaches the threshold.

export function unit(vector) {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return Float32Array.from(vector, (v) => (norm > 0 ? v / norm : v));
}

export function prototype(embeddings) {
  const sum = new Float64Array(embeddings[0].length);
  for (const embedding of embeddings)
    unit(embedding).forEach((v, j) => {
      sum[j] += v;
    });
  return unit(sum.map((v) => v / embeddings.length));
}

export function similarities(embedding, prototypes) {
  const e = unit(embedding);
  return prototypes.map((p) => {
    let dot = 0;
    for (let j = 0; j < e.length; j++) dot += p[j] * e[j];
    return Math.fround(dot);
  });
}

// own: [{name, prototype}] in the order the person made them; guesses: the model's, best first.
export function merge(guesses, embedding, own, topK, threshold, standing) {
  const scores = similarities(
    embedding,
    own.map((c) => c.prototype),
  );
  const proposed = own
    .map((c, k) => ({ label: c.name, similarity: Number(scores[k].toFixed(6)), own: true }))
    .map((guess, k) => ({ guess, score: scores[k] }))
    .filter(({ score }) => score >= threshold)
    .sort((a, b) => b.score - a.score) // stable: equal similarities keep the person's order
    .map(({ guess }) => guess);
  const surer = guesses.filter((g) => g.probability >= standing).length; // a prefix: the guesses are best first
  return [...guesses.slice(0, surer), ...proposed, ...guesses.slice(surer)].slice(0, topK);
}
