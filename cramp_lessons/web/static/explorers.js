/* Cramp Lessons website: the explorers, live without a kernel.
 *
 * CONTRACT (what a page provides; cramp_lessons/web/mounts.py and widgets/packs.py)
 *  1. plotly.min.js, then site.js (it draws every figure and tells when it is drawn:
 *     CrampSite.whenDrawn(el)), then explorer-model.js (the models, widgets/explorer_model.js), then
 *     each explorer's pack, a script setting window.CRAMP_EXPLORER_PACKS[KEY], then this script.
 *  2. One mount point per explorer:
 *       <div class="cramp-web-explorer" data-explorer="NAME" data-args="...">
 *         <div class="cramp-web-controls" data-pack="KEY" data-state='{"name": value, ...}'></div>
 *         <figure class="cramp-web-figure"> plot data script + .cramp-web-plot
 *           <figcaption><p class="cramp-web-summary">...</p>...</figcaption></figure></div>
 *     data-state is the state the figure and summary show when the page loads.
 *
 * What it does: draws the explorer's controls (a labelled range, checkbox, menu or number input per
 * control, with the same names, ranges and steps as in JupyterLab), and on every change redraws the
 * figure (Plotly.react, at most once a frame: a dragged slider never queues) and the summary sentence
 * under it (role=status), from CrampExplorerModel.view(pack, state). A slider with a Play button (the
 * stretch animations) plays the states as plotly frames (Plotly.animate). An explorer question of a
 * quiz (quiz.js's .cramp-quiz-explorer, its figure in a script.cramp-web-quiz-figure) gets the
 * explorer's figure, redrawn as the question's slider moves.
 *
 * window.CrampExplorers: the model's functions (view, figureAt, summaries, normalise, PORTS, py) and
 * mountAll.
 */
(function () {
  "use strict";

  const M = window.CrampExplorerModel;
  const { view, normalise, setPath, spec } = M;
  const packs = () => window.CRAMP_EXPLORER_PACKS || {};
  // site.js's plotly configuration, so a redraw keeps the figure as it was drawn
  const CONFIG = (window.CrampSite && window.CrampSite.config) || { responsive: true, displaylogo: false, displayModeBar: false };

  // ------------------------------------------------------------------ the page
  let uid = 0;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v;
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  }

  const whenDrawn = (plot) =>
    window.CrampSite && window.CrampSite.whenDrawn ? window.CrampSite.whenDrawn(plot) : Promise.resolve();

  function readValue(c, input) {
    if (c.kind === "checkbox") return input.checked;
    if (c.kind === "select") return c.options[input.selectedIndex][1];
    if (c.kind === "range") {
      const v = Number(input.value);
      return c.int ? Math.round(v) : Number(v.toFixed(c.decimals));
    }
    // number: what the typed text means, held within its bounds (ipywidgets' BoundedFloatText)
    if (input.value.trim() === "" || !Number.isFinite(input.valueAsNumber)) return undefined;
    return Math.min(c.max, Math.max(c.min, input.valueAsNumber));
  }

  function showValue(c, input, value) {
    if (c.kind === "checkbox") input.checked = !!value;
    else if (c.kind === "select") input.selectedIndex = Math.max(0, c.options.findIndex((o) => o[1] === value));
    else if (c.kind === "number") {
      if (document.activeElement !== input) input.value = String(value);
    } else input.value = String(value);
  }

  // A pack's figure in a plot, redrawn as its state changes: show(state) draws at once; more changes in
  // the same frame (a dragged slider) wait for the next one and draw only the latest state, so at most
  // one redraw a frame and nothing queues. drawn(view, state) follows each redraw.
  class Drawing {
    constructor(plot, figure, pack, drawn) {
      this.plot = plot;
      this.figure = figure;
      this.pack = pack;
      this.drawn = drawn;
      this.state = null;
      this.revision = 0;
      this.pending = false;
      this.drawnThisFrame = false;
      this.drawing = Promise.resolve();
    }

    show(state) {
      this.state = state;
      if (this.pending) return;
      if (!this.drawnThisFrame) {
        this.drawnThisFrame = true;
        requestAnimationFrame(() => (this.drawnThisFrame = false));
        this.drawing = this.drawing.then(() => this.draw());
        return;
      }
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.show(this.state);
      });
    }

    draw() {
      const state = this.state;
      return whenDrawn(this.plot)
        .then(() => {
          const v = view(this.pack, state);
          for (const [path, value] of v.changes) setPath(this.figure, path, value);
          this.figure.layout.datarevision = ++this.revision;
          return window.Plotly.react(this.plot, this.figure.data, this.figure.layout, CONFIG).then(() => this.drawn(v, state));
        })
        .catch((e) => console.error("explorer", this.pack.explorer, e)); // this state only: the next one is drawn
    }
  }

  class LiveExplorer {
    constructor(mount, holder, pack) {
      this.mount = mount;
      this.holder = holder;
      this.pack = pack;
      this.state = JSON.parse(holder.dataset.state || "{}");
      this.plot = mount.querySelector(".cramp-web-plot");
      const data = this.plot.previousElementSibling;
      this.figure = JSON.parse(data.textContent);
      this.summary = mount.querySelector(".cramp-web-summary");
      this.summary.setAttribute("role", "status");
      this.summary.setAttribute("aria-live", "polite");
      this.inputs = {};
      this.readouts = {};
      this.drawing = new Drawing(this.plot, this.figure, pack, (v, state) => {
        this.summary.textContent = v.summary;
        this.mount.dispatchEvent(new CustomEvent("cramp-explorer-drawn", { detail: { state } }));
      });
      this.buildControls();
      mount.dataset.live = "1";
    }

    buildControls() {
      const box = this.holder;
      for (const c of this.pack.controls) {
        const id = "cramp-x" + ++uid + "-" + c.name;
        let input;
        let row;
        if (c.kind === "checkbox") {
          input = el("input", { type: "checkbox", id });
          row = el("div", { class: "cramp-web-control cramp-web-checkbox" }, input, el("label", { for: id, text: c.label }));
        } else if (c.kind === "select") {
          input = el("select", { id });
          for (const [label, value] of c.options) input.append(el("option", { value: String(value), text: label }));
          row = el("div", { class: "cramp-web-control cramp-web-select" }, el("label", { for: id, text: c.label }), input);
        } else {
          input = el("input", {
            type: c.kind === "range" ? "range" : "number",
            id,
            min: c.min,
            max: c.max,
            step: c.step,
            inputmode: c.kind === "number" ? "decimal" : null,
          });
          row = el("div", { class: "cramp-web-control cramp-web-" + (c.kind === "range" ? "slider" : "number") });
          if (c.play_ms) row.append(this.playButton(c));
          row.append(el("label", { for: id, text: c.label }), input);
          if (c.kind === "range") {
            const out = el("span", { class: "cramp-web-readout", "aria-hidden": "true" });
            this.readouts[c.name] = out;
            row.append(out);
          }
        }
        showValue(c, input, this.state[c.name]);
        this.inputs[c.name] = input;
        input.addEventListener(c.kind === "range" || c.kind === "number" ? "input" : "change", () => {
          const v = readValue(c, input);
          if (v === undefined) return;
          this.set(c.name, v);
        });
        box.append(row);
      }
      if (this.pack.buttons) {
        const row = el("div", { class: "cramp-web-control cramp-web-buttons" });
        this.buttons = this.pack.buttons.map((b) => {
          const button = el("button", { type: "button", class: "cramp-web-button", text: b.label });
          button.addEventListener("click", () => {
            const c = spec(this.pack, b.control);
            this.set(b.control, Math.min(c.max, Math.max(c.min, this.state[b.control] + b.delta * c.step)));
          });
          row.append(button);
          return [b, button];
        });
        box.prepend(row);
      }
      this.syncControls();
    }

    syncControls() {
      for (const c of this.pack.controls) {
        showValue(c, this.inputs[c.name], this.state[c.name]);
        if (this.readouts[c.name]) this.readouts[c.name].textContent = c.int ? String(this.state[c.name]) : Number(this.state[c.name]).toFixed(c.decimals);
      }
      for (const [b, button] of this.buttons || []) {
        const c = spec(this.pack, b.control);
        const v = this.state[b.control];
        button.disabled = b.delta < 0 ? v <= c.min : v >= c.max;
      }
    }

    set(name, value) {
      this.stop();
      this.state = normalise(this.pack, Object.assign({}, this.state, { [name]: value }), name);
      this.syncControls();
      this.drawing.show(this.state);
    }

    // -- the Play button of a slider: its states as plotly frames
    playButton(c) {
      const button = el("button", { type: "button", class: "cramp-web-button cramp-web-play", "aria-pressed": "false", text: "Play" });
      this.playing = null;
      button.addEventListener("click", () => (this.playing ? this.stop() : this.play(c, button)));
      this.play_button = button;
      return button;
    }

    frames(c) {
      if (this.frameNames) return this.frameNames;
      const names = [];
      const frames = [];
      for (let v = c.min; v <= c.max; v += c.step) {
        const state = Object.assign({}, this.state, { [c.name]: v });
        const changes = view(this.pack, state).changes;
        const data = {};
        const layout = {};
        for (const [path, value] of changes) {
          if (path[0] === "data") setPath((data[path[1]] = data[path[1]] || {}), path.slice(2), value);
          else layout[path.slice(1).map((k, i) => (typeof k === "number" ? "[" + k + "]" : (i ? "." : "") + k)).join("")] = value;
        }
        const traces = Object.keys(data).map(Number);
        names.push("step-" + v);
        frames.push({ name: "step-" + v, data: traces.map((i) => data[i]), traces, layout });
      }
      this.frameNames = names;
      this.framesAdded = whenDrawn(this.plot).then(() => window.Plotly.addFrames(this.plot, frames));
      return names;
    }

    play(c, button) {
      const names = this.frames(c);
      let start = Math.round((this.state[c.name] - c.min) / c.step) + 1;
      if (start >= names.length) start = 0;
      const onFrame = (ev) => {
        const v = Number(String(ev.name).slice(5));
        this.state = Object.assign({}, this.state, { [c.name]: v });
        this.syncControls();
        this.summary.textContent = view(this.pack, this.state).summary;
      };
      const off = () => {
        if (this.plot.removeListener) this.plot.removeListener("plotly_animatingframe", onFrame);
        this.playing = null;
        button.textContent = "Play";
        button.setAttribute("aria-pressed", "false");
      };
      this.playing = off;
      button.textContent = "Pause";
      button.setAttribute("aria-pressed", "true");
      this.framesAdded.then(() => {
        if (this.playing !== off) return;
        this.plot.on("plotly_animatingframe", onFrame);
        return window.Plotly.animate(this.plot, names.slice(start), {
          mode: "immediate",
          frame: { duration: c.play_ms, redraw: true },
          transition: { duration: 0 },
        }).then(
          () => this.playing === off && off(),
          () => this.playing === off && off() // interrupted (Pause, or a control moved): not an error
        );
      });
    }

    stop() {
      if (!this.playing) return;
      const off = this.playing;
      off();
      window.Plotly.animate(this.plot, [null], { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } })
        .catch(() => {});
    }
  }

  // -- an explorer question (quiz.js): the question's explorer figure, moved by the question's slider
  function quizFigure(point) {
    if (point.dataset.live) return;
    const data = document.querySelector('script.cramp-web-quiz-figure[data-for="' + CSS.escape(point.dataset.for || "") + '"]');
    const pack = data && packs()[data.dataset.pack];
    if (!pack || typeof window.Plotly === "undefined") return;
    point.dataset.live = "1";
    const figure = JSON.parse(data.textContent);
    const base = JSON.parse(data.dataset.state);
    const plot = el("div", { class: "cramp-web-quiz-plot", role: "img" }); // its words: the question says what the model does
    point.append(plot);
    const drawing = new Drawing(plot, figure, pack, (v, state) => {
      plot.setAttribute("aria-label", v.summary);
      plot.dispatchEvent(new CustomEvent("cramp-explorer-drawn", { bubbles: true, detail: { state } }));
    });
    const draw = (quizState) => drawing.show(Object.assign({}, base, quizState || {}));
    point.addEventListener("cramp-explorer-input", (e) => draw(e.detail && e.detail.state));
    draw(point.dataset.state ? JSON.parse(point.dataset.state) : null);
  }

  function mountQuizFigures(root) {
    (root || document).querySelectorAll(".cramp-quiz-explorer[data-for]").forEach(quizFigure);
  }

  function mountAll() {
    document.querySelectorAll(".cramp-web-explorer").forEach((mount) => {
      const holder = mount.querySelector(".cramp-web-controls[data-pack]");
      if (!holder || mount.dataset.live) return;
      const pack = packs()[holder.dataset.pack];
      if (!pack || typeof window.Plotly === "undefined") return;
      try {
        mount.crampExplorer = new LiveExplorer(mount, holder, pack);
      } catch (e) {
        console.error("explorer", holder.dataset.pack, e);
      }
    });
  }

  window.CrampExplorers = Object.assign({}, M, { mountAll });

  const start = () => {
    mountAll();
    mountQuizFigures();
    // quiz.js draws a question again (Try again, the next question): its figure follows.
    if (document.querySelector("script.cramp-web-quiz-figure")) {
      let queued = false;
      new MutationObserver(() => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          mountQuizFigures();
        });
      }).observe(document.body, { childList: true, subtree: true });
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
