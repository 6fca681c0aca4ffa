// The game: six prompts, twenty seconds each. The model guesses after every point (in the browser, or on
// the server when the browser cannot run it); a round is won when the prompt leads the guesses clearly
// enough, for long enough (win_rule.js).
import { DrawingPad } from "./canvas.js";
import { Contributions } from "./contributions.js";
import { Guesser } from "./guesser.js";
import { renderGuesses } from "./guesses.js";
import { loadModel } from "./model_client.js";
import { thumbnail } from "./thumbnail.js";
import { verdictOf } from "./verdict.js";
import { guessesHold } from "./win_rule.js";

const SPEAK_KEY = "inkling.speak.v1";
const SAY_EVERY_MS = 1500; // the model muses aloud at most this often
// Labels said without an article ("draw scissors", "it's grass"), and one whose "h" is silent.
const NO_ARTICLE = new Set([
  "animal migration",
  "asparagus",
  "binoculars",
  "bread",
  "broccoli",
  "camouflage",
  "drums",
  "eyeglasses",
  "flip flops",
  "grapes",
  "grass",
  "headphones",
  "lightning",
  "matches",
  "pants",
  "peas",
  "pliers",
  "rain",
  "rollerskates",
  "scissors",
  "shorts",
  "stairs",
  "stitches",
  "toothpaste",
  "underwear",
  "yoga",
]);
const AN = new Set(["hourglass"]);

const root = document.getElementById("game");
const topK = Number(root.dataset.topK); // the API's TOP_K (webapp/schemas.py), so both engines list as many guesses
const prompts = JSON.parse(root.dataset.prompts);
const roundSeconds = Number(root.dataset.roundSeconds);
const winRule = JSON.parse(root.dataset.winRule);
const $ = (id) => document.getElementById(id);
const speech = "speechSynthesis" in window ? window.speechSynthesis : null;
const contributions = new Contributions(root.dataset.contributeUrl, (text) => {
  $("share-status").textContent = text;
});

let guesser = null; // once the model's description is loaded
let othersDrew = {}; // category -> a few real drawings of it, once loaded (model_training/others_drew.py)
let round = null; // the round being played: {index, prompt, started, recognizedMs, guesses, ...}
const results = [];

const pad = new DrawingPad($("pad"), (reason) => {
  if (reason === "clear") guesser?.reset();
  root.dataset.points = String(pad.strokes.reduce((n, s) => n + s[0].length, 0)); // read by the tests
  if (round && !round.over) guesser.update(pad.strokes, pad.frame);
});

// "a cat", "an owl", "scissors", "The Mona Lisa".
function article(label) {
  if (NO_ARTICLE.has(label) || label.startsWith("The ")) return label;
  return /^[aeiou]/i.test(label) || AN.has(label) ? `an ${label}` : `a ${label}`;
}

function setStatus(text) {
  $("status").textContent = text;
}

// --- what the model says ---------------------------------------------------------------------------
function speaking() {
  return speech !== null && $("speak").checked;
}

function say(text, { urgent = false } = {}) {
  $("speech").textContent = text;
  if (!speaking()) return;
  if (urgent) speech.cancel();
  else if (speech.speaking || speech.pending) return; // never queue stale musings
  speech.speak(new SpeechSynthesisUtterance(text));
}

function muse(guesses) {
  const best = guesses[0];
  if (!best || best.label === round.lastSaid || performance.now() - round.saidAt < SAY_EVERY_MS) return;
  round.lastSaid = best.label;
  round.saidAt = performance.now();
  say(round.said++ === 0 ? `I see ${article(best.label)}…` : `…or ${article(best.label)}?`);
}

// --- guessing ----------------------------------------------------------------------------------------
function show({ guesses, engine: engineName }) {
  if (!round || round.over) return;
  renderGuesses($("guesses"), guesses, engineName, "");
  $("top-guess").textContent = guesses[0] ? `Looks like: ${guesses[0].label}` : "";
  round.guesses = guesses;
  round.engine = engineName || round.engine;
  if (!guessesHold(guesses, round.prompt, winRule)) {
    clearTimeout(round.hold);
    round.hold = null;
    muse(guesses);
  } else if (round.hold === null) {
    // Won if it still holds after the rule's moment, whether the player draws on or stops to look.
    const since = lastPointMs();
    round.hold = setTimeout(() => win(since + winRule.hold_ms), winRule.hold_ms);
  }
}

function win(recognizedMs) {
  round.recognizedMs = recognizedMs;
  say(`Oh, I know, it's ${article(round.prompt)}!`, { urgent: true });
  finishRound(true);
}

// Milliseconds from the drawing's first point to its newest, by the pad's own timestamps.
function lastPointMs() {
  const last = pad.strokes.at(-1);
  return last ? last[2].at(-1) : 0;
}

// --- rounds ------------------------------------------------------------------------------------------
function showScreen(name) {
  for (const screen of ["intro", "round", "summary"]) $(screen).classList.toggle("hidden", screen !== name);
  root.dataset.state = name;
}

function startRound(index) {
  pad.clear();
  pad.setLocked(false);
  guesser.reset();
  setRoundControls(true);
  round = {
    index,
    prompt: prompts[index],
    started: performance.now(),
    guesses: [],
    engine: guesser.onServer ? "server" : "browser",
    recognizedMs: null,
    hold: null, // the timer that wins the round once the guesses have held for the rule's moment
    over: false,
    said: 0,
    saidAt: -Infinity,
    lastSaid: null,
  };
  root.dataset.round = String(index + 1);
  renderGuesses($("guesses"), [], "", "");
  $("top-guess").textContent = "";
  $("others").classList.add("hidden");
  showScreen("round");
  $("prompt").textContent = `Round ${index + 1} of ${prompts.length}: draw ${article(round.prompt)}`;
  $("prompt").focus();
  $("speech").textContent = "";
  say(`Draw ${article(round.prompt)}`, { urgent: true });
  tick();
  round.timer = setInterval(tick, 200);
  pad.canvas.focus();
}

// While a round is drawn: Undo, Clear and Skip; once its verdict is given the canvas takes no more strokes,
// and the next round waits for the player (Next).
function setRoundControls(drawing) {
  for (const id of ["undo", "clear", "skip"]) $(id).disabled = !drawing;
  $("next").classList.toggle("hidden", drawing);
  root.classList.toggle("between-rounds", !drawing);
}

function tick() {
  const left = Math.max(0, roundSeconds - (performance.now() - round.started) / 1000);
  $("seconds-left").textContent = Math.ceil(left);
  $("time-bar").value = left;
  if (left <= 0) {
    const best = round.guesses[0];
    say(best ? `Sorry, I couldn't guess it. I thought it was ${article(best.label)}.` : "Time's up!", { urgent: true });
    finishRound(false);
  }
}

// How a round ended: recognised, skipped by the player, or out of time.
function finishRound(recognized, skipped = false) {
  if (round.over) return;
  round.over = true;
  pad.setLocked(true);
  clearInterval(round.timer);
  clearTimeout(round.hold);
  const durationMs = Math.round(performance.now() - round.started);
  const drawing = structuredClone(pad.strokes);
  results.push({
    prompt: round.prompt,
    drawing,
    recognized,
    skipped,
    recognizedMs: round.recognizedMs,
    guesses: round.guesses,
  });
  if (drawing.length) {
    contributions.add({
      prompt: round.prompt,
      drawing,
      recognized,
      recognized_ms: recognized ? round.recognizedMs : null,
      duration_ms: durationMs,
      model_version: guesser.metadata.version,
      engine: round.engine,
      guesses: round.guesses.map(({ label, probability }) => ({ label, probability: Number(probability) })),
    });
  }
  const others = [...othersList(round.prompt).children];
  $("others-drawings").replaceChildren(...others);
  $("others").classList.toggle("hidden", !others.length);
  root.dataset.results = results.map((r) => (r.recognized ? "1" : "0")).join(""); // read by the tests
  root.dataset.finished = String(results.length);
  setRoundControls(false);
  $("next").textContent = round.index + 1 < prompts.length ? "Next drawing" : "See how you did";
  $("next").focus();
}

function nextRound() {
  if (!round?.over) return;
  const next = round.index + 1;
  if (next < prompts.length) startRound(next);
  else showSummary();
}

// --- how others drew it ------------------------------------------------------------------------------
async function loadOthersDrew() {
  try {
    const response = await fetch(root.dataset.othersUrl);
    if (response.ok) othersDrew = (await response.json()).drawings ?? {};
  } catch {
    // Without the file the rounds show only the player's own drawing.
  }
}

// A list of a few real drawings of `prompt` by other people (empty when there are none).
function othersList(prompt) {
  const list = document.createElement("ul");
  list.className = "others-drawings";
  for (const drawing of othersDrew[prompt] ?? []) {
    const item = document.createElement("li");
    const image = thumbnail(drawing);
    image.setAttribute("role", "img");
    image.setAttribute("aria-label", `Another player's drawing of ${article(prompt)}`);
    item.append(image);
    list.append(item);
  }
  return list;
}

// --- the summary -------------------------------------------------------------------------------------
function showSummary() {
  round = null;
  const won = results.filter((r) => r.recognized).length;
  $("summary-title").textContent =
    `Inkling recognised ${won} of your ${results.length} drawing${results.length === 1 ? "" : "s"}`;
  $("results").replaceChildren(
    ...results.map((r) => {
      const item = document.createElement("li");
      item.dataset.prompt = r.prompt;
      item.dataset.recognized = String(r.recognized);
      const figure = document.createElement("figure");
      const image = thumbnail(r.drawing);
      image.setAttribute("role", "img");
      image.setAttribute("aria-label", `Your drawing of ${article(r.prompt)}`);
      const caption = document.createElement("figcaption");
      const title = document.createElement("strong");
      title.textContent = r.prompt;
      const verdict = document.createElement("span");
      verdict.textContent = verdictOf(r);
      const others = othersList(r.prompt);
      others.setAttribute("aria-label", `How others drew ${article(r.prompt)}`);
      caption.append(title, verdict, others);
      figure.append(image, caption);
      item.append(figure);
      return item;
    }),
  );
  const challenge = new URL(root.dataset.playUrl, location.href);
  challenge.searchParams.set("prompts", prompts.join(","));
  $("challenge").href = challenge.pathname + challenge.search;
  showScreen("summary");
  $("summary-title").focus();
  say(`You drew ${results.length} things and I recognised ${won}.`, { urgent: true });
}

// --- controls ----------------------------------------------------------------------------------------
function setUpSettings() {
  const speak = $("speak");
  if (speech) {
    speak.checked = localStorage.getItem(SPEAK_KEY) === "on"; // sound only when the player asks for it
    speak.addEventListener("change", () => {
      localStorage.setItem(SPEAK_KEY, speak.checked ? "on" : "off");
      if (!speak.checked) speech.cancel();
    });
  } else {
    speak.checked = false;
    speak.disabled = true;
    speak.parentElement.append(" (this browser cannot speak)");
  }
  const share = $("share");
  share.checked = contributions.consented;
  share.addEventListener("change", () => {
    contributions.consented = share.checked;
    $("share-status").textContent = share.checked
      ? "Thank you: the rounds you play from now on are shared."
      : "Your rounds are not shared.";
    if (share.checked) contributions.flush();
  });
  $("new-id").addEventListener("click", () => {
    contributions.resetId();
    $("share-status").textContent = "Done: later rounds carry a new random id, unconnected to the old one.";
  });
}

$("start").addEventListener("click", () => startRound(0));
$("next").addEventListener("click", nextRound);
$("skip").addEventListener("click", () => {
  if (!round || round.over) return;
  say("Let's try the next one.", { urgent: true });
  finishRound(false, true);
});
$("undo").addEventListener("click", () => pad.undo());
$("clear").addEventListener("click", () => pad.clear());
document.addEventListener("keydown", (event) => {
  // Between rounds Enter goes on wherever the focus is (a click on the spent canvas takes it from Next),
  // unless it is on a control of its own.
  const onControl = event.target.closest?.("a, button, input, select, summary, textarea");
  if (round?.over && root.dataset.state === "round" && event.key === "Enter" && !onControl) {
    event.preventDefault();
    nextRound();
    return;
  }
  if (!round || round.over) return;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    pad.undo();
  } else if (event.key === "Escape") {
    pad.clear();
  }
});

async function start() {
  setUpSettings();
  if (contributions.consented && contributions.pending.length) contributions.flush();
  loadOthersDrew(); // not awaited: the game does not wait for it
  let loaded;
  try {
    loaded = await loadModel(root);
  } catch (error) {
    setStatus(`The game cannot start: ${error.message}.`);
    return;
  }
  const { metadata, engine, engineError } = loaded;
  guesser = new Guesser({
    metadata,
    engine,
    topK,
    predictUrl: root.dataset.predictUrl,
    onResult: show,
    onError: () => setStatus("Inkling cannot reach the server just now; keep drawing, it tries again."),
  });
  setStatus(
    engine
      ? "Ready: Inkling guesses right here in your browser."
      : "Ready: the server guesses (this browser could not load the model).",
  );
  if (engineError) console.info(`the browser engine is unavailable: ${engineError.message}`);
  $("start").disabled = false;
  root.dataset.ready = "true";
}

start();
