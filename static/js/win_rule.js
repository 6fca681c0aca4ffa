// When a round of the game is won (webapp/win_rule.py says why, with the figures): the prompt leads the
// calibrated guesses ({label, probability}, most likely first) with at least rule.min_probability and
// rule.min_margin over the second guess; play.js asks that it hold for rule.hold_ms.
export function guessesHold(guesses, prompt, rule) {
  const [first, second] = guesses;
  if (first?.label !== prompt) return false;
  return first.probability >= rule.min_probability && first.probability - (second?.probability ?? 0) >= rule.min_margin;
}
