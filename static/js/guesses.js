// The guesses list, as templates/_guesses.html renders it on the server: one markup for both engines.

export function renderGuesses(list, guesses, engineName, ms) {
  list.dataset.engine = engineName;
  list.dataset.ms = ms === "" ? "" : ms.toFixed(2);
  delete list.dataset.error;
  list.replaceChildren(...guesses.map(({ label, probability }) => {
    const item = document.createElement("li");
    item.dataset.label = label;
    item.dataset.probability = probability.toFixed(6);
    const name = document.createElement("span");
    name.className = "label";
    name.textContent = label;
    const meter = document.createElement("meter");
    meter.min = 0;
    meter.max = 1;
    meter.value = probability;
    const percent = document.createElement("span");
    percent.className = "percent";
    percent.textContent = `${Math.round(probability * 100)}%`;
    item.append(name, meter, percent);
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
