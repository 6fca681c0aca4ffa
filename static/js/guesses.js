// The guesses list in the browser: copies of the item that templates/_guesses.html defines (its
// <template id="guess-template">), so the server's fallback and the browser show the same markup.

export function renderGuesses(list, guesses, engineName, ms) {
  const template = document.getElementById("guess-template").content.firstElementChild;
  list.dataset.engine = engineName;
  list.dataset.ms = ms === "" ? "" : ms.toFixed(2);
  list.replaceChildren(
    ...guesses.map(({ label, probability, similarity, own }) => {
      // A person's own category (own_categories.js) shows how alike the drawing is to its examples.
      const score = own ? Math.max(0, similarity) : probability;
      const item = template.cloneNode(true);
      const percent = `${Math.round(score * 100)}%`;
      item.dataset.label = label;
      if (own) {
        delete item.dataset.probability;
        item.dataset.similarity = score.toFixed(6);
      } else {
        item.dataset.probability = score.toFixed(6);
      }
      item.querySelector(".label").textContent = own ? `${label} (yours)` : label;
      const meter = item.querySelector("meter");
      meter.value = score;
      meter.textContent = percent;
      item.querySelector(".percent").textContent = own ? `${percent} alike` : percent;
      if (own) item.classList.add("own");
      return item;
    }),
  );
}

// The k most likely labels of a probability vector, most likely first.
export function topGuesses(probabilities, labels, k) {
  return Array.from(probabilities.keys())
    .sort((a, b) => probabilities[b] - probabilities[a])
    .slice(0, k)
    .map((i) => ({ label: labels[i], probability: probabilities[i] }));
}
