/* Cramp Lessons: the learner's progress in the browser, and "Download my progress".
 *
 * A classic script, no build step, no dependencies, nothing from the internet.
 *
 * CONTRACT (what a page provides)
 *  - Every page with a quiz loads this script (with the questions and quiz.js, see quiz.js): each
 *    answer the quiz checks (the DOM event "cramp-lessons:answer") is kept in localStorage as an
 *    attempt {uid, question_id, answer, score, correct, seconds, at}.
 *  - The progress page holds <div class="cramp-web-progress"></div> (and the questions, for the
 *    lesson titles and how many questions each lesson has). It is drawn when the document is
 *    ready, and again after every answer: per lesson, the questions answered and answered right
 *    (best score 1, as learner/mastery.py counts them), and a "Download my progress" button.
 *
 * The download is the file `cramp-lessons progress import FILE` reads (learner/portable.py): format
 * "cramp-lessons-progress", version 1, the attempts, no review cards, and the sha256 of the
 * canonical JSON (keys sorted, no spaces, numbers as Python writes them), so a learner moves from
 * the website to JupyterLab without losing an answer.
 *
 * Bad data never breaks a page: stored answers that cannot be read (a damaged copy, an entry that
 * the import would refuse) are set aside under "cramp-lessons.attempts.set-aside" and left out,
 * and answers to questions this course no longer has are kept (they go into the download) but not
 * counted; the progress page says so in words, and nothing is written to the console.
 *
 * window.CrampProgress: attempts(), record(detail), summary(data, attempts), render(element),
 * exportData(attempts, now), download(), canonicalJson(value), sha256(text).
 */
(function () {
  "use strict";

  const KEY = "cramp-lessons.attempts";
  const ASIDE = "cramp-lessons.attempts.set-aside";
  const FORMAT = "cramp-lessons-progress";
  const VERSION = 1;
  const ID = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/; // schema.ID_PATTERN
  const UID = /^[A-Za-z0-9_-]{1,64}$/;
  const FIELDS = ["answer", "at", "correct", "question_id", "score", "seconds", "uid"];
  const notices = new Set(); // what this page has had to set aside, said on the progress page

  function storage() {
    try {
      const s = window.localStorage;
      s.getItem(KEY);
      return s;
    } catch (e) {
      return null;
    }
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const finite = (x) => typeof x === "number" && Number.isFinite(x);

  /** Why the import would refuse this attempt (portable.AttemptRow), or "" if it would not. */
  function problem(a) {
    if (a === null || typeof a !== "object" || Array.isArray(a)) return "not an attempt";
    const keys = Object.keys(a).sort();
    if (keys.join() !== FIELDS.join()) return "not the fields of an attempt";
    if (typeof a.uid !== "string" || !UID.test(a.uid)) return "no valid uid";
    if (typeof a.question_id !== "string" || a.question_id.length > 80 || !ID.test(a.question_id)) return "no valid question id";
    if (!finite(a.score) || a.score < 0 || a.score > 1) return "no valid score";
    if (typeof a.correct !== "boolean") return "no valid verdict";
    if (a.seconds !== null && !(finite(a.seconds) && a.seconds >= 0)) return "no valid time taken";
    if (!finite(a.at)) return "no valid time";
    return "";
  }

  function setAside(s, entries) {
    try {
      const old = JSON.parse(s.getItem(ASIDE) || "[]");
      s.setItem(ASIDE, JSON.stringify((Array.isArray(old) ? old : [old]).concat(entries)));
    } catch (e) {
      // No room to keep them: they are left out all the same.
    }
  }

  /** The stored attempts the import would accept, oldest first; anything else is set aside. */
  function attempts() {
    const s = storage();
    if (!s) {
      notices.add("This browser does not let the site keep answers (site storage is off), so your answers are graded but not kept.");
      return [];
    }
    const raw = s.getItem(KEY);
    if (raw === null) return [];
    let list;
    try {
      list = JSON.parse(raw);
    } catch (e) {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      setAside(s, [raw]);
      s.removeItem(KEY);
      notices.add("Your stored answers could not be read (the browser's copy was damaged). They were set aside, and your progress starts afresh.");
      return [];
    }
    const good = list.filter((a) => !problem(a));
    if (good.length < list.length) {
      const bad = list.filter((a) => problem(a));
      setAside(s, bad);
      s.setItem(KEY, JSON.stringify(good));
      const one = bad.length === 1;
      notices.add(
        `${plural(bad.length, "stored answer", "stored answers")} could not be read and ${one ? "was" : "were"} set aside: ` +
          `${one ? "it is" : "they are"} left out of your progress and your download.`
      );
    }
    return good.sort((x, y) => x.at - y.at);
  }

  function uid() { // as uuid.uuid4().hex
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A JSON copy of an answer, with any lone surrogate (half of a broken character) replaced:
  // Python could not write it as UTF-8, and would refuse the whole file.
  const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const clean = (answer) => JSON.parse(JSON.stringify(answer === undefined ? null : answer), (k, v) => (typeof v === "string" ? v.replace(LONE, "\ufffd") : v));

  /** Keep one checked answer; throws with a message a learner can read if it cannot be kept. */
  function record(detail) {
    const a = {
      uid: uid(),
      question_id: detail.question_id,
      answer: clean(detail.answer),
      score: detail.score,
      correct: detail.correct,
      seconds: detail.seconds === undefined ? null : detail.seconds,
      at: detail.at === undefined ? Date.now() / 1000 : detail.at,
    };
    const why = problem(a);
    if (why) throw new Error(`the answer has ${why}`);
    const s = storage();
    if (!s) throw new Error("this browser does not let the site keep answers (site storage is off)");
    const all = attempts();
    all.push(a);
    try {
      s.setItem(KEY, JSON.stringify(all));
    } catch (e) {
      throw new Error("the browser's storage for this site is full");
    }
    return a;
  }

  // ------------------------------------------------------------- the summary
  /** Per lesson with questions: {lesson, label, total, answered, right}; and answers to unknown questions. */
  function summary(data, list) {
    const best = Object.create(null);
    const unknown = new Set();
    for (const a of list) {
      if (!Object.prototype.hasOwnProperty.call(data.questions, a.question_id)) unknown.add(a.question_id);
      else best[a.question_id] = Math.max(best[a.question_id] || 0, a.score);
    }
    const rows = [];
    for (const les of data.lessons) {
      const qids = Object.values(data.banks).filter((b) => b.lesson === les.id).flatMap((b) => b.questions);
      if (!qids.length) continue;
      rows.push({
        lesson: les.id,
        label: `${les.number} ${les.title}`,
        total: qids.length,
        answered: qids.filter((q) => q in best).length,
        right: qids.filter((q) => best[q] >= 1).length,
      });
    }
    return { rows, unknown: [...unknown].sort(), answers: list.length };
  }

  // ------------------------------------------------------------- the file portable.py reads
  // A number as Python's json.dumps writes what json.loads read from it: integers as digits, other
  // numbers in their shortest form with an exponent below 1e-4 (1e-05, not JavaScript's 0.00001).
  function pyNumber(x) {
    if (!Number.isFinite(x)) throw new Error("not a finite number");
    if (Number.isInteger(x)) return String(x);
    const [m, e] = x.toExponential().split("e");
    return +e < -4 ? `${m}e-${String(-e).padStart(2, "0")}` : String(x);
  }

  /** JSON as portable.canonical_json writes it: keys sorted, no spaces, characters as they are. */
  function canonicalJson(v) {
    if (v === null) return "null";
    if (typeof v === "boolean") return String(v);
    if (typeof v === "number") return pyNumber(v);
    if (typeof v === "string") return JSON.stringify(v); // the same escapes as Python's json
    if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }

  const K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
    0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
    0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];

  /** sha256 (hex) of a text's UTF-8 bytes. Written out because crypto.subtle exists only on HTTPS
   * and localhost pages, and is asynchronous; the file must also download from a plain HTTP host. */
  function sha256(text) {
    const bytes = new TextEncoder().encode(text);
    const n = Math.ceil((bytes.length + 9) / 64) * 64;
    const m = new Uint8Array(n);
    m.set(bytes);
    m[bytes.length] = 0x80;
    const view = new DataView(m.buffer);
    view.setUint32(n - 8, Math.floor(bytes.length / 0x20000000));
    view.setUint32(n - 4, (bytes.length * 8) >>> 0);
    const H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    const w = new Int32Array(64);
    const rotr = (x, r) => (x >>> r) | (x << (32 - r));
    for (let off = 0; off < n; off += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, h] = H;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
      }
      [a, b, c, d, e, f, g, h].forEach((x, i) => (H[i] = (H[i] + x) | 0));
    }
    return H.map((x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
  }

  /** The progress file (portable.export_data's form), with its checksum. */
  function exportData(list, now) {
    const payload = {
      format: FORMAT,
      version: VERSION,
      exported_at: new Date(now === undefined ? Date.now() : now).toISOString(),
      attempts: list.map((a) => ({ uid: a.uid, question_id: a.question_id, answer: a.answer, score: a.score, correct: a.correct, seconds: a.seconds, at: a.at })),
      reviews: [], // spaced review lives in JupyterLab; the website keeps answers only
    };
    return { ...payload, checksum: sha256(canonicalJson(payload)) };
  }

  /** Save the progress file: the browser's download of cramp-lessons-progress-<date>.json. */
  function download() {
    const data = exportData(attempts());
    const url = URL.createObjectURL(new Blob([canonicalJson(data) + "\n"], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `cramp-lessons-progress-${data.exported_at.slice(0, 10)}.json`;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return data;
  }

  // ------------------------------------------------------------- the progress page
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  }

  function questions() { // as quiz.js finds them: window.CRAMP_QUESTIONS, or the JSON element
    if (window.CRAMP_QUESTIONS) return window.CRAMP_QUESTIONS;
    try {
      return JSON.parse(document.getElementById("cramp-questions").textContent);
    } catch (e) {
      return null;
    }
  }

  const STYLE = `
.cramp-web-progress table{border-collapse:collapse;margin:.5em 0}
.cramp-web-progress caption{text-align:left;font-style:italic}
.cramp-web-progress th,.cramp-web-progress td{border-bottom:1px solid #ccc;padding:.2em .8em .2em 0;text-align:left}
.cramp-web-progress td{text-align:right}
.cramp-web-progress .cramp-warning{font-weight:bold}`;

  function render(container) {
    if (!document.getElementById("cramp-web-progress-style")) {
      document.head.append(el("style", { id: "cramp-web-progress-style", text: STYLE }));
    }
    const data = questions();
    const list = attempts();
    const parts = [];
    const said = [...notices];
    if (data && data.lessons && data.banks && data.questions) {
      const s = summary(data, list);
      const rows = s.rows.map((r) =>
        el("tr", {}, el("th", { scope: "row", text: r.label }), ...[r.answered, r.right, r.total].map((n) => el("td", { text: String(n) })))
      );
      parts.push(
        el(
          "table",
          { class: "cramp-progress-table" },
          el("caption", { text: "Your answers in this browser, per lesson (right: full marks at least once)" }),
          el("thead", {}, el("tr", {}, ...["Lesson", "Answered", "Right", "Questions"].map((h) => el("th", { scope: "col", text: h })))),
          el("tbody", {}, ...rows)
        )
      );
      const answered = s.rows.reduce((t, r) => t + r.answered, 0);
      const total = `You have answered ${plural(answered, "question", "questions")} (${plural(s.answers, "answer", "answers")} in all).`;
      parts.push(el("p", { class: "cramp-progress-total", text: total }));
      if (s.unknown.length) {
        said.push(
          `${plural(s.unknown.length, "question you answered is", "questions you answered are")} not in this course any more ` +
            `(${s.unknown.join(", ")}): those answers are kept and go into your download, but are not counted here.`
        );
      }
    } else {
      said.push("The course's questions are missing from this page, so your answers cannot be shown by lesson; you can still download them.");
      parts.push(el("p", { class: "cramp-progress-total", text: `${plural(list.length, "answer", "answers")} kept in this browser.` }));
    }
    const warnings = said.map((m) => el("p", { class: "cramp-warning", text: "⚠ " + m }));
    const messages = el("div", { class: "cramp-progress-messages", role: "status", "aria-live": "polite" }, ...warnings);
    const button = el("button", { type: "button", class: "cramp-download", text: "Download my progress" });
    button.addEventListener("click", () => {
      const file = download();
      messages.append(el("p", { text: `Downloaded ${plural(file.attempts.length, "answer", "answers")}. In JupyterLab, import the file with the command below.` }));
    });
    parts.push(el("p", {}, button));
    const command = el("code", { text: "cramp-lessons progress import cramp-lessons-progress-….json" });
    parts.push(el("p", { class: "cramp-progress-how" }, "To go on in JupyterLab: ", command));
    parts.push(messages);
    container.replaceChildren(...parts);
  }

  const renderAll = () => document.querySelectorAll(".cramp-web-progress").forEach(render);

  document.addEventListener("cramp-lessons:answer", (e) => {
    try {
      record(e.detail);
    } catch (err) {
      if (e.detail && Array.isArray(e.detail.problems)) e.detail.problems.push(`Your answer was graded but not kept: ${err.message}.`);
    }
    renderAll();
  });
  window.addEventListener("storage", (e) => e.key === KEY && renderAll()); // another tab answered

  window.CrampProgress = { attempts, record, summary, render, renderAll, exportData, download, canonicalJson, sha256, KEY, ASIDE };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", renderAll);
  else renderAll();
})();
