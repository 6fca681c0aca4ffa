// The guesses list in the browser: copies of the item that templates/_guesses.html defines (its
// <template id="guess-template">), so the server's fallback and the browser show the same markup.

export function renderGuesses(list, guesses, engineName, ms) {
  const template = document.getElementById("guess-template").content.firstElementChild;
  list.dataset.engine = engineName;
  list.dataset.ms = ms === "" ? "" : ms.toFixed(2);
  list.replaceChildren(...guesses.map(({ label, probability }) => {
    const item = template.cloneNode(true);
    const percent = `${Math.round(probability * 100)}%`;
    item.dataset.label = label;
    item.dataset.probability = probability.toFixed(6);
    item.querySelector(".label").textContent = label;
    const meter = item.querySelector("meter");
    meter.value = probability;
    meter.textContent = percent;
    item.querySelector(".percent").textContent = percent;
    return item;
  }));
}

// The k most likely labels of a probability vector, most likely first.
export function topGuesses(probabilities, labels, k) {
  return Array.from(probabilities.keys())
    .sort((a, b) => probabilities[b] - probabilities[a])
    .slice(0, k)
    .map((i) => ({ label: labels[i], probability: probabilities[i] }));
}
