/* Cramp Lessons: the course's quizzes in the browser, with no kernel.
 *
 * Grades every answer exactly as the Python engine does (cramp_lessons/course/grading.py and the
 * question types in cramp_lessons/questions/); tests/web/test_parity.py checks that on every
 * question of the course. A classic script (no build step, no dependencies, nothing from the
 * internet): it also works when the site is opened from disk.
 *
 * CONTRACT (what a page provides)
 *  1. The questions, made by cramp_lessons/formats/web.py (`web_questions(course)`), either as
 *       <script src="cramp-questions.js"></script>     (window.CRAMP_QUESTIONS = {...}; see
 *                                                       formats.web.questions_script), or as
 *       <script type="application/json" id="cramp-questions">{...}</script>
 *     before this script. window.CRAMP_QUESTIONS wins when both are there.
 *  2. One element per quiz:  <div class="cramp-web-quiz" data-bank="basics"></div>
 *     (optional data-heading-level="2".."6", default 3, for the quiz's own heading).
 *  3. <script src="progress.js"></script> and then <script src="quiz.js"></script>, anywhere after
 *     the data. Quizzes are drawn when the document is ready; CrampQuiz.mountAll() draws any added
 *     later.
 *
 * What it does: each question shows with its type's input, choices in this learner's own order
 * (a seed kept in localStorage, as grading.shuffled_choices: stable for a learner and question,
 * reshuffled when an ordering or matching comes out solved), a variant question as one of its
 * pre-generated draws. Check grades; a wrong first try of a question with a hint shows the hint
 * (the success after it counts HINTED_WEIGHT), else the verdict, feedback, the answer when wrong,
 * the explanation with its evidence tag, and the sources: as the JupyterLab quiz widget does
 * (cramp_lessons/widgets/quiz.py). Each checked answer is published as a DOM event,
 *   document "cramp-lessons:answer", detail {question_id, answer, score, correct, seconds, at,
 *   lesson, bank, tries, problems: []}
 * which progress.js stores (and a listener may push a problem to show beside the feedback).
 *
 * Explorer questions draw a plain slider and say what the model does at each position. A page's
 * own explorer front end can join in (explorers.js draws the explorer's figure there): the element
 * .cramp-quiz-explorer (data-for: the question's id; data-explorer, data-control, data-state)
 * receives "cramp-explorer-input" events {detail: {state}} as the slider moves, and a
 * "cramp-explorer-set" event dispatched on it with {detail: {state}} moves the slider.
 *
 * window.CrampQuiz: grade(question, answer) -> {question_id, score, correct, feedback,
 * explanation, evidence, references, answer_text} or throws an AnswerError (a malformed answer is
 * never counted as wrong), plus mount, mountAll, choiceOrder, variantFor, learnerSeed, data.
 */
(function () {
  "use strict";

  const MAX_ANSWER_SIZE = 1000; // questions/base.py
  const MAX_SHORT_LENGTH = 80; // questions/short.py MAX_LENGTH
  const SLACK = 1e-9; // questions/numeric.py and explorer.py: a typed 6.25 is 6.25
  const SEED_KEY = "cramp-lessons.seed";
  const EVENT = "cramp-lessons:answer";

  class AnswerError extends Error {
    constructor(message) {
      super(message);
      this.name = "AnswerError";
    }
  }

  // ------------------------------------------------------------- numbers as Python writes them
  // Python rounds half-way cases to even and JavaScript's toFixed/toExponential away from zero;
  // the two differ only when a value is exactly half way, which the 30 extra digits reveal.
  const TAIL = 30;
  const HALF = "5" + "0".repeat(TAIL - 1);

  function fixed(x, digits) { // f"{x:.{digits}f}"
    const a = Math.abs(x);
    const long = a.toFixed(digits + TAIL);
    let cut = long.slice(0, long.length - TAIL);
    if (cut.endsWith(".")) cut = cut.slice(0, -1);
    const tieToEven = long.slice(-TAIL) === HALF && +cut[cut.length - 1] % 2 === 0;
    return (x < 0 || Object.is(x, -0) ? "-" : "") + (tieToEven ? cut : a.toFixed(digits));
  }

  const round = (x, digits) => parseFloat(fixed(x, digits)); // round(x, digits)
  const percent = (x) => fixed(x * 100, 0) + "%"; // f"{x:.0%}"

  function g(x) { // f"{x:g}": 6 significant digits, trailing zeros dropped
    if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
    const a = Math.abs(x);
    const [m, e] = a.toExponential(5 + TAIL).split("e");
    const cut = m.slice(0, m.length - TAIL);
    const tieToEven = m.slice(-TAIL) === HALF && +cut[cut.length - 1] % 2 === 0;
    const [mant, ex] = tieToEven ? [cut, e] : a.toExponential(5).split("e");
    const digits = mant.replace(".", "");
    const exp = +ex;
    let out;
    if (exp >= -4 && exp < 6) {
      const int = exp >= 0 ? digits.slice(0, exp + 1) : "0";
      const frac = (exp >= 0 ? digits.slice(exp + 1) : "0".repeat(-exp - 1) + digits).replace(/0+$/, "");
      out = frac ? `${int}.${frac}` : int;
    } else {
      const short = mant.replace(/\.?0+$/, "");
      out = `${short}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    }
    return (x < 0 || Object.is(x, -0) ? "-" : "") + out;
  }

  // ------------------------------------------------------------- text as Python compares it
  // str.isspace(), which Python's str.strip() and re's \s use (JavaScript's \s differs slightly).
  const WS = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const WS_RUN = new RegExp(`[${WS}]+`, "g");
  const WS_ENDS = new RegExp(`^[${WS}]+|[${WS}]+$`, "g");
  const strip = (s) => s.replace(WS_ENDS, "");
  // str.casefold() is lower() plus a few foldings; these are the ones Latin and Greek text meets.
  const FOLD = { "ß": "ss", "ς": "σ", "ſ": "s", "µ": "μ", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st" };
  const casefold = (s) => s.toLowerCase().replace(/[ßςſµﬀ-ﬆ]/g, (c) => FOLD[c] || c);
  // questions/short.py normal(): single spaces, no final full stop, case ignored.
  const normal = (s) => casefold(strip(strip(s.replace(WS_RUN, " ")).replace(/\.+$/, "")));
  const codePoints = (s) => Array.from(s).length; // len() of a Python str

  function echo(v) {
    let text;
    try {
      text = typeof v === "string" ? `'${v}'` : JSON.stringify(v);
    } catch (e) {
      text = String(v);
    }
    text = text === undefined ? String(v) : text;
    return text.length <= 200 ? text : text.slice(0, 199) + "…";
  }

  const isMapping = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const kind = (v) => (v === null ? "None" : Array.isArray(v) ? "list" : typeof v === "string" ? "str" : typeof v);

  // ------------------------------------------------------------- answer forms (questions/base.py)
  function ids(answer, known, qid, what) {
    if (!Array.isArray(answer)) {
      throw new AnswerError(`${qid}: expected a list of ${what} ids such as ${echo(known.slice(0, 2))}, got ${kind(answer)} ${echo(answer)}`);
    }
    if (answer.length > MAX_ANSWER_SIZE) throw new AnswerError(`${qid}: more than ${MAX_ANSWER_SIZE} ${what}s given; choose from ${known.join(", ")}`);
    if (!answer.length) throw new AnswerError(`${qid}: the answer is empty; choose at least one ${what}`);
    for (const a of answer) {
      if (typeof a !== "string") throw new AnswerError(`${qid}: ${what} ids are strings, got ${echo(a)}`);
      if (!known.includes(a)) throw new AnswerError(`${qid}: unknown ${what} ${echo(a)}; choose from ${known.join(", ")}`);
    }
    if (new Set(answer).size !== answer.length) throw new AnswerError(`${qid}: the same ${what} is given twice in ${echo(answer)}`);
    return answer.slice();
  }

  // Python's float(): digits with optional _ between them, a point, an exponent; inf and nan.
  const FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
  const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

  function number(answer, qid) {
    if (typeof answer === "boolean") throw new AnswerError(`${qid}: expected a number, got ${answer ? "True" : "False"}`);
    if (typeof answer === "string") {
      const text = strip(answer).replace(/,/g, ".");
      if (!text) throw new AnswerError(`${qid}: the answer is empty; type a number`);
      const special = SPECIAL.exec(text);
      if (special) answer = special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
      else if (FLOAT.test(text)) answer = parseFloat(text.replace(/_/g, ""));
      else throw new AnswerError(`${qid}: ${echo(answer)} is not a number; type digits only, e.g. 6.25`);
    }
    if (typeof answer !== "number") throw new AnswerError(`${qid}: expected a number, got ${kind(answer)} ${echo(answer)}`);
    if (!Number.isFinite(answer)) throw new AnswerError(`${qid}: ${echo(answer)} is not a finite number`);
    return answer;
  }

  // ------------------------------------------------------------- the types: read, then score
  // Each mirrors its module in cramp_lessons/questions/: read() refuses a malformed answer,
  // score() gives [score 0..1, feedback lines].
  function pickOption(q, answer) {
    if (typeof answer !== "string") throw new AnswerError(`${q.id}: expected one option id (a string), got ${kind(answer)} ${echo(answer)}`);
    return ids([answer], q.options.map((o) => o.id), q.id, "option")[0];
  }

  const TYPES = {
    single: {
      read: pickOption,
      score(q, a) {
        const o = q.options.find((x) => x.id === a);
        return [o.correct ? 1 : 0, [o.feedback]];
      },
    },
    multiple: {
      read: (q, a) => ids(a, q.options.map((o) => o.id), q.id, "option"),
      score(q, a) {
        const chosen = new Set(a);
        const good = new Set(q.options.filter((o) => o.correct).map((o) => o.id));
        const hits = [...chosen].filter((i) => good.has(i)).length;
        // Each right pick earns, each wrong pick costs; never below zero.
        const score = Math.max(0, (hits - (chosen.size - hits)) / good.size);
        const feedback = q.options.filter((o) => chosen.has(o.id)).map((o) => o.feedback);
        const missed = q.options.filter((o) => o.correct && !chosen.has(o.id)).map((o) => o.text);
        if (missed.length) feedback.push("You left out: " + missed.join("; "));
        return [score, feedback];
      },
    },
    truefalse: {
      read(q, a) {
        if (typeof a === "boolean") return a;
        const word = typeof a === "string" ? strip(a).toLowerCase() : null;
        if (word === "true" || word === "fact") return true;
        if (word === "false" || word === "myth") return false;
        throw new AnswerError(`${q.id}: answer True (fact) or False (myth), got ${echo(a)}`);
      },
      score: (q, a) => [a === q.answer ? 1 : 0, [a ? q.feedback_true : q.feedback_false]],
    },
    numeric: {
      read: (q, a) => number(a, q.id),
      score(q, x) {
        const unit = q.unit ? " " + q.unit : "";
        const [lo, hi] = q.value !== null && q.value !== undefined ? [q.value - q.tolerance, q.value + q.tolerance] : [q.min, q.max];
        if (lo - SLACK <= x && x <= hi + SLACK) return [1, [`${g(x)}${unit} is within the accepted range.`]];
        return [0, [`${g(x)}${unit} is too ${x < lo ? "low" : "high"}.`]];
      },
    },
    ordering: {
      read(q, a) {
        const keys = q.items.map((i) => i.id);
        const order = ids(a, keys, q.id, "item");
        if (order.length !== keys.length) throw new AnswerError(`${q.id}: put all ${keys.length} items in order; got ${order.length}`);
        return order;
      },
      score(q, a) {
        const keys = q.items.map((i) => i.id);
        const text = Object.fromEntries(q.items.map((i) => [i.id, i.text]));
        let inOrder = 0;
        let pairs = 0;
        for (let k = 0; k < keys.length; k++) {
          for (let j = k + 1; j < keys.length; j++) {
            pairs += 1;
            if (a.indexOf(keys[k]) < a.indexOf(keys[j])) inOrder += 1;
          }
        }
        // Partial credit: the share of item pairs in the right relative order.
        const wrong = a.flatMap((i, k) => (i !== keys[k] ? [`Step ${k + 1} should be: ${text[keys[k]]}`] : []));
        return [inOrder / pairs, wrong.length ? wrong : ["Every step is in its place."]];
      },
    },
    matching: {
      read(q, a) {
        if (!isMapping(a)) throw new AnswerError(`${q.id}: expected a mapping {pair id: right-hand text}, got ${kind(a)}`);
        const lefts = q.pairs.map((p) => p.id);
        const rights = q.pairs.map((p) => p.right);
        for (const k of Object.keys(a)) {
          if (!lefts.includes(k)) throw new AnswerError(`${q.id}: unknown item ${echo(k)}; items are ${lefts.join(", ")}`);
        }
        const missing = lefts.filter((k) => !has(a, k) || a[k] === null || a[k] === "");
        if (missing.length) throw new AnswerError(`${q.id}: match every item; missing ${missing.join(", ")}`);
        for (const [k, v] of Object.entries(a)) {
          if (!rights.includes(v)) throw new AnswerError(`${q.id}: ${echo(v)} is not one of the choices for '${k}'`);
        }
        return { ...a };
      },
      score(q, a) {
        const hits = q.pairs.filter((p) => a[p.id] === p.right);
        const feedback = q.pairs.map((p) => `${p.left} → ${p.right}` + (hits.includes(p) ? " ✓" : ` (you chose: ${a[p.id]})`));
        return [hits.length / q.pairs.length, feedback];
      },
    },
    short: {
      read(q, a) {
        if (typeof a !== "string") throw new AnswerError(`${q.id}: expected the typed word (text), got ${kind(a)} ${echo(a)}`);
        if (codePoints(a) > MAX_SHORT_LENGTH) throw new AnswerError(`${q.id}: the answer is longer than ${MAX_SHORT_LENGTH} characters; type a word or two`);
        const n = normal(a);
        if (!n) throw new AnswerError(`${q.id}: the answer is empty; type a word`);
        return n;
      },
      score(q, a) {
        if (q.accept.some((t) => normal(t) === a)) return [1, [q.feedback]];
        const known = q.wrong.find((w) => normal(w.text) === a);
        return [0, [known ? known.feedback : q.feedback_other]];
      },
    },
    explorer: {
      read(q, a) {
        if (!isMapping(a)) throw new AnswerError(`${q.id}: expected the explorer's state, slider names and values; got ${kind(a)} ${echo(a)}`);
        const given = {};
        for (const [name, x] of Object.entries(a)) {
          const s = has(q.sliders, name) ? q.sliders[name] : null;
          if (!s) throw new AnswerError(`${q.id}: the ${q.explorer} explorer has no slider ${echo(name)}; its sliders: ${Object.keys(q.sliders).join(", ")}`);
          if (typeof x !== "number") throw new AnswerError(`${q.id}: ${name} must be a number, got ${kind(x)} ${echo(x)}`);
          if (!Number.isFinite(x)) throw new AnswerError(`${q.id}: ${name} is ${x}, not a finite number`);
          const why = sliderProblem(s, x);
          if (why) throw new AnswerError(`${q.id}: ${name} ${echo(x)} ${why}`);
          given[name] = x;
        }
        if (!has(given, q.control)) {
          throw new AnswerError(`${q.id}: the state has no ${q.control}; move the ${q.sliders[q.control].label} slider and send the explorer's state`);
        }
        for (const [name, want] of Object.entries(q.fixed)) {
          if (has(given, name) && Math.abs(given[name] - want) > SLACK) {
            throw new AnswerError(`${q.id}: this question holds the ${q.sliders[name].label} at ${want} ${q.sliders[name].unit}: put that slider back`);
          }
        }
        return explorerState(q, given[q.control]);
      },
      score(q, state) {
        const x = state[q.control];
        const s = q.sliders[q.control];
        // What the model does there, computed in Python for every position of the slider.
        const k = Math.min(q.says.length - 1, Math.max(0, Math.round((x - s.lo) / s.step)));
        if (Math.abs(x - q.value) <= q.tolerance + SLACK) return [1, [q.says[k], q.feedback]];
        return [0, [q.says[k], x < q.value ? q.feedback_low : q.feedback_high]];
      },
    },
  };

  function sliderProblem(s, x) { // Slider.problem in questions/explorer.py
    if (!(s.lo - SLACK <= x && x <= s.hi + SLACK)) return `is outside the slider's range, ${s.lo} to ${s.hi} ${s.unit}`;
    const k = (x - s.lo) / s.step;
    if (Math.abs(k - Math.round(k)) > 1e-6) return `is not a position of the slider (steps of ${s.step} ${s.unit} from ${s.lo})`;
    return null;
  }

  function explorerState(q, x) {
    return Object.fromEntries(Object.keys(q.sliders).map((n) => [n, n === q.control ? x : q.fixed[n]]));
  }

  function size(answer) {
    if (typeof answer === "string") return codePoints(answer);
    if (Array.isArray(answer)) return answer.length;
    if (isMapping(answer)) return Object.keys(answer).length;
    return 0;
  }

  /** Grade one answer, as grading.grade does; throws an AnswerError if its form is wrong. */
  function grade(q, answer) {
    if (answer === null || answer === undefined) throw new AnswerError(`${q.id}: no answer given`);
    const n = size(answer);
    if (n > MAX_ANSWER_SIZE) throw new AnswerError(`${q.id}: the answer is too long (${n} items or characters, at most ${MAX_ANSWER_SIZE})`);
    const type = TYPES[q.type];
    if (!type) throw new AnswerError(`${q.id}: this page cannot grade a question of type ${echo(q.type)}`);
    const [score, feedback] = type.score(q, type.read(q, answer));
    return {
      question_id: q.id,
      score: round(score, 4),
      correct: score >= 1,
      feedback,
      explanation: q.explanation,
      evidence: q.evidence,
      references: q.references.slice(),
      answer_text: q.answer_text,
    };
  }

  // ------------------------------------------------------------- the learner's seed and order
  let sessionSeed = null;

  function newSeed() {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** This learner's seed, made once and kept in localStorage (a seed for this page if it cannot be kept). */
  function learnerSeed() {
    try {
      let seed = localStorage.getItem(SEED_KEY);
      if (!seed) {
        seed = newSeed();
        localStorage.setItem(SEED_KEY, seed);
      }
      return seed;
    } catch (e) { // storage off: options are still shuffled, only not the same next time
      sessionSeed = sessionSeed || newSeed();
      return sessionSeed;
    }
  }

  // A small seeded generator (xmur3 hash into mulberry32): the same string, the same numbers.
  function random(text) {
    let h = 1779033703 ^ text.length;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    let a = (h ^ (h >>> 16)) >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** The display order of a question's choices for a seed (grading.shuffled_choices). */
  function choiceOrder(q, seed) {
    const keys = q.choices || [];
    const out = keys.slice();
    const rng = random(`${seed}:${q.id}`);
    for (let n = 0; n < 10 && keys.length; n++) { // an ordering or matching shown solved: shuffle again
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      if (!q.reshuffle || out.some((k, i) => k !== keys[i])) break;
    }
    return out;
  }

  /** The draw of a variant question this learner gets (the question itself if not a variant). */
  function variantFor(q, seed) {
    if (!q.variants || !q.variants.length) return q;
    return q.variants[Math.floor(random(`${seed}:variant:${q.id}`)() * q.variants.length)];
  }

  // ------------------------------------------------------------- drawing
  let counter = 0;
  const nextId = (what) => `cramp-${what}-${++counter}`;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

  function group(legend, controls) {
    return el("fieldset", { class: "cramp-choices" }, el("legend", { text: legend }), ...controls);
  }

  function choiceBox(type, name, value, text, title) {
    const input = el("input", { type, name, value, title });
    return [el("label", {}, input, " " + text), input];
  }

  function dropdown(labelText, options) {
    const id = nextId("select");
    const select = el("select", { id }, el("option", { value: "", text: "— choose —" }));
    for (const [value, text] of options) select.append(el("option", { value, text }));
    return [el("div", { class: "cramp-row" }, el("label", { for: id, text: labelText }), " ", select), select];
  }

  function textBox(labelText, placeholder, numeric) {
    const id = nextId("text");
    const input = el("input", { id, type: "text", placeholder, autocomplete: "off", spellcheck: "false", inputmode: numeric ? "decimal" : null });
    return [el("div", { class: "cramp-row" }, el("label", { for: id, text: labelText }), " ", input), input];
  }

  // One input per type (as widgets/inputs.py): {node, controls, answer(), missing()}.
  const INPUTS = {
    single(q, order) {
      const name = nextId("single");
      const text = Object.fromEntries(q.options.map((o) => [o.id, o.text]));
      const boxes = order.map((i) => choiceBox("radio", name, i, text[i]));
      const controls = boxes.map((b) => b[1]);
      return { node: group("Your answer:", boxes.map((b) => b[0])), controls, answer: () => (controls.find((c) => c.checked) || {}).value ?? null };
    },
    multiple(q, order) {
      const name = nextId("multiple");
      const text = Object.fromEntries(q.options.map((o) => [o.id, o.text]));
      const boxes = order.map((i) => choiceBox("checkbox", name, i, text[i]));
      const controls = boxes.map((b) => b[1]);
      return { node: group("Tick every answer that applies.", boxes.map((b) => b[0])), controls, answer: () => controls.filter((c) => c.checked).map((c) => c.value) };
    },
    truefalse() {
      const name = nextId("truefalse");
      const boxes = [choiceBox("radio", name, "fact", "Fact", "The statement is true"), choiceBox("radio", name, "myth", "Myth", "The statement is false")];
      const controls = boxes.map((b) => b[1]);
      const answer = () => {
        const c = controls.find((x) => x.checked);
        return c ? c.value === "fact" : null;
      };
      return { node: group("Myth or fact?", boxes.map((b) => b[0])), controls, answer };
    },
    numeric(q) {
      const [row, input] = textBox(`Your answer${q.unit ? ` (${q.unit})` : ""}:`, "type a number", true);
      return { node: row, controls: [input], answer: () => input.value };
    },
    short() {
      const [row, input] = textBox("Your answer:", "type a word", false);
      return { node: row, controls: [input], answer: () => input.value };
    },
    ordering(q, order) {
      const text = Object.fromEntries(q.items.map((i) => [i.id, i.text]));
      const rows = q.items.map((_, k) => dropdown(`Step ${k + 1}:`, order.map((i) => [i, text[i]])));
      const controls = rows.map((r) => r[1]);
      return {
        node: group("Choose the step that comes at each position.", rows.map((r) => r[0])),
        controls,
        answer: () => controls.map((c) => c.value || null),
        missing: () => (controls.some((c) => !c.value) ? "Choose a step for every position before checking." : ""),
      };
    },
    matching(q, order) {
      const rows = q.pairs.map((p) => [p.id, dropdown(`${p.left}:`, order.map((r) => [r, r]))]);
      const answer = () => Object.fromEntries(rows.filter(([, r]) => r[1].value).map(([id, r]) => [id, r[1].value]));
      return { node: group("Match each item on the left.", rows.map(([, r]) => r[0])), controls: rows.map(([, r]) => r[1]), answer };
    },
    explorer(q) {
      const s = q.sliders[q.control];
      const id = nextId("slider");
      const text = (x) => `${g(round(x, s.decimals))} ${s.unit}`; // Slider.text in questions/explorer.py
      const slider = el("input", { id, type: "range", min: s.lo, max: s.hi, step: s.step, value: q.start });
      const readout = el("output", { for: id, "aria-hidden": "true" });
      const says = el("p", { class: "cramp-explorer-says", "aria-live": "polite" });
      const mountPoint = el("div", { class: "cramp-quiz-explorer", "data-for": q.id, "data-explorer": q.explorer, "data-control": q.control });
      const state = () => explorerState(q, Number(slider.value));
      const show = () => {
        const x = Number(slider.value);
        readout.textContent = text(x);
        slider.setAttribute("aria-valuetext", text(x));
        says.textContent = q.says[Math.round((x - s.lo) / s.step)] || "";
        mountPoint.dataset.state = JSON.stringify(state());
      };
      slider.addEventListener("input", () => {
        show();
        mountPoint.dispatchEvent(new CustomEvent("cramp-explorer-input", { detail: { state: state() } }));
      });
      mountPoint.addEventListener("cramp-explorer-set", (e) => { // the page's explorer moved: follow it
        const x = e.detail && e.detail.state && e.detail.state[q.control];
        if (typeof x === "number" && !slider.disabled) {
          slider.value = String(x);
          show();
          slider.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      show();
      const row = el("div", { class: "cramp-row" }, el("label", { for: id, text: `${capital(s.label)} (${s.unit}):` }), " ", slider, " ", readout);
      const node = el("div", {}, el("p", { class: "cramp-note" }, el("em", { text: q.note })), mountPoint, row, says);
      return { node, controls: [slider], answer: state };
    },
  };

  function feedbackNodes(q, gr, data) {
    const verdict = gr.correct ? "✔ Correct" : gr.score > 0 ? "◐ Partly right" : "✘ Not quite";
    const words = q.evidence_words || (data.evidence[q.evidence] || {}).words || q.evidence;
    const icon = q.evidence_icon || (data.evidence[q.evidence] || {}).icon || "";
    const nodes = [
      el("p", {}, el("strong", { text: verdict }), ` (score ${percent(gr.score)})`),
      el("ul", {}, ...gr.feedback.map((f) => el("li", { text: f }))),
    ];
    if (!gr.correct) nodes.push(el("p", {}, el("strong", { text: "Answer:" }), " " + gr.answer_text));
    nodes.push(
      el("p", { class: "cramp-why" }, el("strong", { text: "Why:" }), ` ${gr.explanation} `,
        el("span", { class: "cramp-evidence" }, "[", el("span", { "aria-hidden": "true", text: icon + " " }), words, "]"))
    );
    if (gr.references.length) {
      nodes.push(el("details", { class: "cramp-sources" }, el("summary", { text: "Sources" }), el("ul", {}, ...gr.references.map((r) => el("li", { text: r })))));
    }
    return nodes;
  }

  function questionView(template, number, seed, data, onGraded) {
    const q = variantFor(template, seed);
    const input = INPUTS[q.type](q, choiceOrder(q, seed));
    const promptId = nextId("prompt");
    const check = el("button", { type: "button", class: "cramp-check", text: "Check", "aria-describedby": promptId });
    const retry = el("button", { type: "button", class: "cramp-retry", text: "Try again", hidden: true, "aria-describedby": promptId });
    const live = el("div", { class: "cramp-feedback", role: "status", "aria-live": "polite" });
    const box = el(
      "div",
      { class: "cramp-question", "data-question": q.id, "data-type": q.type },
      el("p", { class: "cramp-prompt", id: promptId }, el("strong", { text: `Question ${number}` }), " ", el("em", { text: `(${q.label})` }), el("br"), q.prompt),
      input.node,
      el("div", { class: "cramp-buttons" }, check, " ", retry),
      live
    );
    const view = { question: q, box, last: null, tries: 0, hinted: false };
    let started = null; // time to answer runs from the first touch of the controls
    box.addEventListener("input", () => (started = started ?? performance.now()));
    box.addEventListener("change", () => (started = started ?? performance.now()));

    const say = (nodes, cls) => {
      live.className = `cramp-feedback ${cls || ""}`.trim();
      live.replaceChildren(...nodes);
    };
    const warn = (msg) => say([el("p", { class: "cramp-warning", text: "⚠ " + msg })], "cramp-warned");
    const setDisabled = (off) => {
      for (const c of input.controls) c.disabled = off;
      check.disabled = off;
    };

    check.addEventListener("click", () => {
      const answer = input.answer();
      const missing = input.missing ? input.missing() : "";
      if (missing) return warn(missing);
      let gr;
      try {
        gr = grade(q, answer);
      } catch (e) {
        if (!(e instanceof AnswerError)) throw e;
        return warn(e.message.split(": ").slice(1).join(": ") || e.message); // explained, not counted
      }
      view.tries += 1;
      // A wrong first try of a question with a hint gets the hint, not the answer; the success
      // that follows counts less (grading.HINTED_WEIGHT).
      const hintNow = !gr.correct && view.tries === 1 && !!q.hint;
      view.hinted = view.hinted || hintNow;
      if (view.hinted && !hintNow && gr.correct) gr = { ...gr, score: round(gr.score * data.hinted_weight, 6) };
      view.last = gr;
      const seconds = started === null ? 0 : round((performance.now() - started) / 1000, 3);
      const detail = {
        question_id: q.id,
        answer: q.seed ? { seed: q.seed, answer } : answer, // a variant's answer keeps its draw
        score: gr.score,
        correct: gr.correct,
        seconds,
        at: Date.now() / 1000,
        lesson: q.lesson,
        bank: q.bank,
        tries: view.tries,
        problems: [],
      };
      document.dispatchEvent(new CustomEvent(EVENT, { detail }));
      const notes = detail.problems.map((p) => el("p", { class: "cramp-warning", text: "⚠ " + p }));
      if (hintNow) {
        const hint = el("p", {}, el("strong", { text: "✘ Not quite." }), " ", el("strong", { text: "Hint:" }), " " + q.hint);
        say([hint, el("p", { text: "Think it through, then press Try again." }), ...notes], "cramp-hint");
      } else {
        const nodes = feedbackNodes(q, gr, data);
        if (view.hinted && gr.correct) nodes.push(el("p", {}, el("em", { text: `Reached with the hint: it counts ${percent(data.hinted_weight)}.` })));
        say([...nodes, ...notes], gr.correct ? "cramp-right" : gr.score > 0 ? "cramp-partly" : "cramp-wrong");
      }
      setDisabled(true);
      retry.hidden = false;
      retry.focus(); // the focused Check button is now disabled: keep the keyboard's place
      onGraded();
    });
    retry.addEventListener("click", () => {
      setDisabled(false);
      retry.hidden = true;
      say([]);
      started = null;
      (input.controls.find((c) => c.checked) || input.controls[0]).focus();
    });
    for (const c of input.controls) { // Enter in a text box checks, as a form would
      if (c.type === "text") c.addEventListener("keydown", (e) => e.key === "Enter" && !check.disabled && check.click());
    }
    return view;
  }

  const STYLE = `
.cramp-web-quiz fieldset{border:0;margin:.4em 0;padding:0}
.cramp-web-quiz legend{font-style:italic;padding:0}
.cramp-web-quiz fieldset label{display:block;margin:.25em 0}
.cramp-web-quiz .cramp-row{margin:.3em 0}
.cramp-web-quiz .cramp-question{border-left:3px solid #999;margin:1.2em 0;padding:.2em .8em}
.cramp-web-quiz .cramp-feedback.cramp-right{border-left:3px solid #1a7f37;padding-left:.6em}
.cramp-web-quiz .cramp-feedback.cramp-wrong,.cramp-web-quiz .cramp-feedback.cramp-partly{border-left:3px dashed #b35900;padding-left:.6em}
.cramp-web-quiz .cramp-warning,.cramp-web-progress .cramp-warning{font-weight:bold}
.cramp-web-quiz input[type=range]{vertical-align:middle;width:min(24em,70%)}`;

  function addStyle() {
    if (document.getElementById("cramp-web-quiz-style")) return;
    document.head.append(el("style", { id: "cramp-web-quiz-style", text: STYLE }));
  }

  /** The questions the page provides (see the contract above), or null. */
  function data() {
    if (window.CRAMP_QUESTIONS) return window.CRAMP_QUESTIONS;
    const tag = document.getElementById("cramp-questions");
    if (!tag) return null;
    try {
      return (window.CRAMP_QUESTIONS = JSON.parse(tag.textContent));
    } catch (e) {
      return null;
    }
  }

  /** Draw the quiz of ``container.dataset.bank`` into ``container``. */
  function mount(container, given) {
    const d = given || data();
    const bankId = container.getAttribute("data-bank") || "";
    const bank = d && d.banks && has(d.banks, bankId) ? d.banks[bankId] : null;
    container.setAttribute("data-mounted", "");
    if (!bank) {
      const why = d ? `This page has no quiz "${bankId}".` : "The quiz's questions are missing from this page, so it cannot be shown.";
      container.replaceChildren(el("p", { class: "cramp-warning", role: "status", text: "⚠ " + why }));
      return null;
    }
    addStyle();
    const seed = learnerSeed();
    const level = Math.min(6, Math.max(2, parseInt(container.getAttribute("data-heading-level"), 10) || 3));
    const title = `Check yourself: ${bank.title}`;
    const score = el("p", { class: "cramp-score", role: "status" });
    const views = [];
    const total = () => {
      const done = views.filter((v) => v.last);
      score.textContent = `Score so far: ${g(done.reduce((s, v) => s + v.last.score, 0))} of ${done.length} answered (${views.length} questions).`;
    };
    bank.questions.forEach((qid, k) => views.push(questionView(d.questions[qid], k + 1, seed, d, total)));
    total();
    const headingId = nextId("quiz");
    container.replaceChildren(
      el("section", { class: "cramp-quiz", "aria-labelledby": headingId }, el(`h${level}`, { id: headingId, text: title }), ...views.map((v) => v.box), score)
    );
    return views;
  }

  function mountAll(root) {
    for (const c of (root || document).querySelectorAll(".cramp-web-quiz:not([data-mounted])")) mount(c);
  }

  window.CrampQuiz = {
    grade, AnswerError, mount, mountAll, choiceOrder, variantFor, learnerSeed, data, normal, EVENT,
    limits: { MAX_ANSWER_SIZE, MAX_SHORT_LENGTH },
    format: { g, fixed, round, percent },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => mountAll());
  else mountAll();
})();
