// The drawing page of `skmnist serve`: draw, send the pixels, show the answer.
"use strict";

const THROTTLE_MS = 60; // while drawing: at most one request per 60 ms
const KEY_STEP = 10; // keyboard pen step, canvas pixels

const canvas = document.getElementById("digit-canvas");
const ctx = canvas.getContext("2d", { willReadFrequently: true });
const seen = document.getElementById("model-input");
const seenCtx = seen.getContext("2d");
const prediction = document.getElementById("prediction");
const statusLine = document.getElementById("status");
const bars = document.getElementById("probabilities");
const pen = document.getElementById("pen");
const dropZone = document.getElementById("drop-zone");
const explainBox = document.getElementById("explain");
const overlay = document.getElementById("explanation");
const overlayCtx = overlay.getContext("2d");
const legend = document.getElementById("explain-legend");

// What the test hooks read: how many answers were shown, and the time from
// the end of the last stroke to the answer that includes it.
const timing = { shown: 0, lastLatencyMs: null };
window.skmnistPage = timing;

let classes = [];
let ink = 0; // bumped by every change to the drawing
let clearedInk = 0; // ink when the pad was last cleared
let shownInk = 0; // ink of the drawing whose answer is shown
let drawing = false;
let last = null;
let strokeEnd = null;
let timer = null;
let inFlight = false;
let again = false;
let keyPen = { x: canvas.width / 2, y: canvas.height / 2 };
let lastFile = null; // the picture whose answer is shown, if any
// Settled: not drawing, nothing in flight, the answer shown is the drawing's.
Object.defineProperty(timing, "settled", {
  get: () => !drawing && !inFlight && (ink === shownInk || ink === clearedInk),
});

function setUpPen() {
  ctx.lineWidth = canvas.width / 14;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#000";
  ctx.fillStyle = "#000";
}

function blankCanvas() {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  setUpPen();
}

function buildBars(labels) {
  classes = labels.map(String);
  bars.replaceChildren(
    ...classes.map((label) => {
      const item = document.createElement("li");
      item.dataset.label = label;
      item.dataset.probability = "0";
      const name = document.createElement("span");
      name.textContent = label;
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.setAttribute("aria-hidden", "true");
      const fill = document.createElement("span");
      fill.className = "fill";
      bar.append(fill);
      const value = document.createElement("span");
      value.className = "value";
      value.textContent = "–";
      item.append(name, bar, value);
      return item;
    }),
  );
}

function clearResults(message) {
  prediction.textContent = message;
  statusLine.textContent = "";
  for (const item of bars.children) {
    item.dataset.probability = "0";
    item.classList.remove("best");
    item.querySelector(".fill").style.width = "0";
    item.querySelector(".value").textContent = "–";
  }
  seenCtx.clearRect(0, 0, seen.width, seen.height);
  hideExplanation();
}

function hideExplanation() {
  overlayCtx.clearRect(0, 0, overlay.width, overlay.height);
  overlay.hidden = true;
  legend.hidden = true;
}

// The attributions over "what the model sees": red where a pixel pushed
// toward the prediction, blue toward the runner-up, opacity by magnitude.
function showExplanation(explanation) {
  const values = explanation.attributions.flat();
  const scale = Math.max(...values.map(Math.abs)) || 1;
  const pixels = overlayCtx.createImageData(28, 28);
  values.forEach((a, i) => {
    const rgb = a >= 0 ? [220, 38, 38] : [37, 99, 235];
    pixels.data.set([...rgb, Math.round((255 * Math.abs(a)) / scale)], 4 * i);
  });
  overlayCtx.putImageData(pixels, 0, 0);
  overlay.hidden = false;
  legend.textContent =
    `Red: toward ${explanation.target}; blue: toward ${explanation.versus} ` +
    `(integrated gradients, ${explanation.n_steps} steps).`;
  legend.hidden = false;
}

function showAnswer(answer) {
  const best = String(answer.label);
  const p = answer.probabilities[best];
  prediction.textContent = `${best} (${(100 * p).toFixed(1)}%)`;
  statusLine.textContent = "";
  for (const item of bars.children) {
    const q = answer.probabilities[item.dataset.label] ?? 0;
    item.dataset.probability = String(q);
    item.classList.toggle("best", item.dataset.label === best);
    item.querySelector(".fill").style.width = `${(100 * q).toFixed(1)}%`;
    item.querySelector(".value").textContent = `${(100 * q).toFixed(1)}%`;
  }
  const pixels = seenCtx.createImageData(28, 28);
  answer.image.flat().forEach((v, i) => {
    pixels.data.set([v, v, v, 255], 4 * i);
  });
  seenCtx.putImageData(pixels, 0, 0);
  if (answer.explanation && explainBox.checked) showExplanation(answer.explanation);
  else hideExplanation();
  timing.shown += 1;
}

async function post(body, contentType) {
  const url = explainBox.checked ? "api/predict?explain=1" : "api/predict";
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body,
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || response.statusText);
  return answer;
}

function drawingRows() {
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = new Array(width);
    for (let x = 0; x < width; x++) row[x] = data[4 * (y * width + x)];
    rows.push(row);
  }
  return rows;
}

async function predictDrawing() {
  clearTimeout(timer);
  timer = null;
  if (ink === clearedInk || ink === shownInk) return;
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  const sent = ink;
  try {
    const answer = await post(JSON.stringify({ drawing: drawingRows() }), "application/json");
    if (sent > shownInk && sent > clearedInk) {
      showAnswer(answer);
      shownInk = sent;
      if (sent === ink && !drawing && strokeEnd !== null) {
        timing.lastLatencyMs = performance.now() - strokeEnd;
      }
    }
  } catch (error) {
    statusLine.textContent = `Could not classify the drawing: ${error.message}`;
    shownInk = sent;
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      predictDrawing();
    }
  }
}

function changed() {
  ink += 1;
  if (timer === null) timer = setTimeout(predictDrawing, THROTTLE_MS);
}

function point(event) {
  const box = canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - box.left) * canvas.width) / box.width,
    y: ((event.clientY - box.top) * canvas.height) / box.height,
  };
}

function line(from, to) {
  ctx.beginPath();
  if (from.x === to.x && from.y === to.y) {
    // A zero-length line draws nothing: a dot is a filled disc.
    ctx.arc(from.x, from.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
  } else {
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  }
  changed();
}

canvas.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  canvas.focus({ preventScroll: true });
  drawing = true;
  last = point(event);
  line(last, last);
});

canvas.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  const moves = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const move of moves.length ? moves : [event]) {
    const next = point(move);
    line(last, next);
    last = next;
  }
});

function endStroke() {
  if (!drawing) return;
  drawing = false;
  strokeEnd = performance.now();
  predictDrawing();
}
canvas.addEventListener("pointerup", endStroke);
canvas.addEventListener("pointercancel", endStroke);

function movePen(x, y) {
  keyPen = {
    x: Math.min(Math.max(x, 0), canvas.width),
    y: Math.min(Math.max(y, 0), canvas.height),
  };
  const box = canvas.getBoundingClientRect();
  pen.style.left = `${(keyPen.x * box.width) / canvas.width}px`;
  pen.style.top = `${(keyPen.y * box.height) / canvas.height}px`;
}

const STEPS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
canvas.addEventListener("keydown", (event) => {
  const step = STEPS[event.key];
  if (!step) return;
  event.preventDefault();
  const from = keyPen;
  movePen(from.x + step[0] * KEY_STEP, from.y + step[1] * KEY_STEP);
  if (!event.shiftKey) {
    line(from, keyPen);
    strokeEnd = performance.now();
  }
});
canvas.addEventListener("keyup", (event) => {
  if (STEPS[event.key] && !event.shiftKey) predictDrawing();
});
canvas.addEventListener("focus", () => {
  pen.hidden = !canvas.matches(":focus-visible");
  movePen(keyPen.x, keyPen.y);
});
canvas.addEventListener("blur", () => {
  pen.hidden = true;
});

function clearAll() {
  clearTimeout(timer);
  timer = null;
  again = false;
  clearedInk = ink;
  shownInk = ink;
  lastFile = null;
  blankCanvas();
  clearResults("Draw a digit");
}
document.getElementById("clear").addEventListener("click", clearAll);

// Turned on, the answer shown is asked for again with its explanation.
explainBox.addEventListener("change", () => {
  if (!explainBox.checked) {
    hideExplanation();
  } else if (lastFile) {
    classifyFile(lastFile);
  } else if (ink !== clearedInk) {
    ink += 1; // the same drawing, asked for again (no stroke to time)
    strokeEnd = null;
    predictDrawing();
  }
});

async function classifyFile(file) {
  if (!file) return;
  clearAll();
  if (!file.type.startsWith("image/")) {
    statusLine.textContent = `${file.name} is not an image file.`;
    return;
  }
  statusLine.textContent = `Classifying ${file.name}…`;
  lastFile = file;
  try {
    showAnswer(await post(file, file.type));
    statusLine.textContent = `Answer for ${file.name}.`;
  } catch (error) {
    clearResults("–");
    statusLine.textContent = `Could not classify ${file.name}: ${error.message}`;
  }
}

const fileInput = document.getElementById("file-input");
fileInput.addEventListener("change", () => {
  classifyFile(fileInput.files[0]);
  fileInput.value = "";
});
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropZone.classList.add("dragging");
});
document.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
document.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("dragging");
  classifyFile(event.dataTransfer.files[0]);
});

async function loadCard() {
  const summary = document.getElementById("model-summary");
  try {
    const response = await fetch("api/model");
    const card = await response.json();
    buildBars(card.classes);
    document.getElementById("explain-control").hidden = !card.explainable;
    const parts = [card.estimator];
    if (card.layer_sizes) parts.push(card.layer_sizes.join("–"));
    if (card.n_parameters) parts.push(`${card.n_parameters.toLocaleString("en")} parameters`);
    if (card.test_accuracy !== null) {
      parts.push(`test accuracy ${(100 * card.test_accuracy).toFixed(2)}%`);
    }
    summary.textContent = parts.join(" · ");
  } catch (error) {
    summary.textContent = `Could not read the model card: ${error.message}`;
  }
}

blankCanvas();
loadCard();
