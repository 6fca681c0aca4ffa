// What the game's summary says of a round ({prompt, drawing, recognized, skipped, recognizedMs, guesses}):
// how it ended, what Inkling thought instead and where the prompt stood among its guesses.
const PLACES = ["first", "second", "third", "fourth", "fifth"];
const percent = (p) => `${Math.round(p * 100)}%`;

export function verdictOf(r) {
  if (r.recognized) return `Recognised after ${(r.recognizedMs / 1000).toFixed(1)}\u00a0s`;
  const ended = r.skipped ? "Skipped" : "Not recognised";
  if (!r.drawing.length) return r.skipped ? "Skipped" : "Not drawn";
  const others = r.guesses.filter((g) => g.label !== r.prompt).slice(0, 3);
  const thought = others.map((g) => `${g.label} (${percent(g.probability)})`).join(", ") || "nothing yet";
  const place = r.guesses.findIndex((g) => g.label === r.prompt);
  const prompt =
    place < 0
      ? ""
      : place === 0
        ? ` ${r.prompt} led with ${percent(r.guesses[0].probability)}, not clearly enough.`
        : ` ${r.prompt} came ${PLACES[place] ?? `${place + 1}th`} (${percent(r.guesses[place].probability)}).`;
  return `${ended}. Inkling thought: ${thought}.${prompt}`;
}
