// The browser side of cramp_lessons.widgets.plot.Plot: one plotly figure, drawn with the page's one
// plotly.js, updated by small messages from the kernel, or (a driven plot: an explorer) by the
// browser itself from the explorer's controls. Plain ES module, no build step; Python puts
// explorer_model.js (globalThis.CrampExplorerModel) before it.
//
// plotly.js is loaded once per page (the promise is kept on `window`, since anywidget imports this
// module afresh for every widget), from the first of:
//   1. a `window.Plotly` the page already has (a website that ships plotly.js, or an earlier load);
//   2. the plotly.js that JupyterLab already holds for plotly's static figures (the jupyterlab-plotly
//      extension, installed with plotly): nothing more on the wire;
//   3. the kernel: it sends plotly's bundle once, gzip-compressed, as a binary buffer.
// The kernel can ask for 3 (plotly_source = "kernel", to measure it).

const PAGE = "__crampPlotly"; // window[PAGE]: the promise of plotly.js for this page
const MIME = "application/vnd.plotly.v1+json";

function stats() {
  return (window.__crampPlotlyStats ??= { loads: 0, source: null, ms: null, bundleBytes: 0, draws: 0 });
}

async function fromJupyterLab() {
  const container = window._JUPYTERLAB && window._JUPYTERLAB["jupyterlab-plotly"];
  if (!container) throw new Error("JupyterLab's plotly extension is not on this page");
  const mod = (await container.get("./mimeExtension"))();
  const R = mod.RenderedPlotly;
  if (!R) throw new Error("the plotly extension has no RenderedPlotly");
  if (!R.Plotly) {
    // Its renderer loads plotly.js on its first figure: give it an empty one, never attached.
    const r = new R({ mimeType: mod.MIME_TYPE || MIME });
    try {
      await r.renderModel({ data: { [mod.MIME_TYPE || MIME]: { data: [], layout: {} } }, setData() {} });
    } finally {
      r.dispose();
    }
  }
  if (!R.Plotly || typeof R.Plotly.react !== "function") throw new Error("no plotly.js from the extension");
  return R.Plotly;
}

function fromKernel(model) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the kernel sent no plotly.js")), 120000);
    const onMsg = async (msg, buffers) => {
      if (!msg || msg.type !== "plotly-bundle") return;
      model.off("msg:custom", onMsg);
      clearTimeout(timer);
      try {
        const b = buffers[0];
        const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        stats().bundleBytes += bytes.byteLength;
        let blob = new Blob([bytes]);
        if (msg.encoding === "gzip") {
          blob = await new Response(blob.stream().pipeThrough(new DecompressionStream("gzip"))).blob();
        }
        const url = URL.createObjectURL(new Blob([blob], { type: "text/javascript" }));
        try {
          await new Promise((ok, fail) => {
            const s = document.createElement("script");
            s.src = url;
            s.onload = ok;
            s.onerror = () => fail(new Error("plotly.js from the kernel did not load"));
            document.head.append(s);
          });
        } finally {
          URL.revokeObjectURL(url);
        }
        if (!window.Plotly) throw new Error("plotly.js from the kernel set no window.Plotly");
        resolve(window.Plotly);
      } catch (e) {
        reject(e);
      }
    };
    model.on("msg:custom", onMsg);
    model.send({ type: "plotly-bundle?" });
  });
}

function plotly(model) {
  if (window[PAGE]) return window[PAGE];
  const source = model.get("plotly_source");
  const p = (async () => {
    const t0 = performance.now();
    let P = null;
    let how = "kernel";
    if (source !== "kernel") {
      if (window.Plotly && typeof window.Plotly.react === "function") {
        P = window.Plotly;
        how = "window";
      } else {
        try {
          P = await fromJupyterLab();
          how = "jupyterlab-plotly";
        } catch (e) {
          console.debug("cramp plot: plotly.js from the kernel instead:", e);
        }
      }
    }
    if (!P) P = await fromKernel(model);
    const s = stats();
    s.loads += 1;
    s.source = how;
    s.ms = performance.now() - t0;
    return P;
  })();
  window[PAGE] = p;
  p.catch(() => {
    if (window[PAGE] === p) delete window[PAGE]; // the next plot tries again
  });
  return p;
}

// -- figure data: binary arrays in, typed arrays out ---------------------------------------------
const TYPED = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
};

function typed(spec, buffers) {
  const T = TYPED[spec.nd];
  let d = typeof spec.data === "number" ? buffers[spec.data] : spec.data;
  if (!T || !d) return null;
  if (d instanceof ArrayBuffer) d = new DataView(d);
  // A copy: the buffer's offset need not be aligned for T.
  const flat = new T(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
  const shape = spec.shape || [flat.length];
  if (shape.length <= 1) return flat;
  const rows = [];
  const n = flat.length / shape[0];
  for (let i = 0; i < shape[0]; i++) rows.push(Array.from(flat.subarray(i * n, (i + 1) * n)));
  return rows;
}

function decode(v, buffers) {
  if (Array.isArray(v)) return v.map((x) => decode(x, buffers));
  if (v && typeof v === "object" && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) {
    if (typeof v.nd === "string" && "data" in v && Array.isArray(v.shape)) return typed(v, buffers);
    const out = {};
    for (const k of Object.keys(v)) out[k] = decode(v[k], buffers);
    return out;
  }
  return v;
}

// "marker.color", "annotations[2].text" -> ["marker", "color"], ["annotations", 2, "text"]
function keys(path) {
  const out = [];
  for (const part of path.split(".")) {
    if (/^\d+$/.test(part)) {
      out.push(Number(part)); // plotly's batch edits write "annotations.0.text"
      continue;
    }
    const m = part.match(/^([^[\]]*)((?:\[\d+\])*)$/);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

// A copy of obj with the value at keys set (or removed, for null): never mutates, so Plotly.react
// sees new objects where something changed.
function setIn(obj, ks, value) {
  if (ks.length === 0) return value;
  const [k, ...rest] = ks;
  const copy = Array.isArray(obj) ? obj.slice() : obj && typeof obj === "object" ? { ...obj } : typeof k === "number" ? [] : {};
  if (rest.length === 0 && value === null && !Array.isArray(copy)) delete copy[k];
  else copy[k] = setIn(copy[k], rest, value);
  return copy;
}

// The model's figure as this module last saw it: decoded once, then kept current by the updates.
// Keyed by the synced state object, so every view of one widget shares it and a whole new figure
// from the kernel starts afresh.
const LIVE = new WeakMap();

function live(model) {
  const raw = model.get("figure");
  let s = LIVE.get(raw);
  if (!s) {
    s = {
      data: decode(raw.data || [], []),
      layout: decode(raw.layout || {}, []),
      config: decode(raw.config || {}, []),
      seq: raw.seq || 0,
    };
    LIVE.set(raw, s);
  }
  return s;
}

function apply(s, msg, buffers) {
  if (msg.seq <= s.seq) return false; // already in the figure
  const data = s.data.slice();
  for (const [i, props] of msg.traces || []) {
    let trace = data[i] || {};
    for (const [path, value] of Object.entries(props)) trace = setIn(trace, keys(path), decode(value, buffers));
    data[i] = trace;
  }
  let layout = s.layout;
  for (const [path, value] of Object.entries(msg.layout || {})) layout = setIn(layout, keys(path), decode(value, buffers));
  s.data = data;
  s.layout = layout;
  s.seq = msg.seq;
  return true;
}

// Plotly writes computed values (autoranges, sizes) into the layout it is given: give it a copy.
// The template (most of a layout) it only reads: the same object each time, not copied.
function copyLayout(v, top = true) {
  if (Array.isArray(v)) return v.map((x) => copyLayout(x, false));
  if (v && typeof v === "object" && !ArrayBuffer.isView(v)) {
    const out = {};
    for (const k of Object.keys(v)) out[k] = top && k === "template" ? v[k] : copyLayout(v[k], false);
    return out;
  }
  return v;
}

// -- fitting the width given -----------------------------------------------------------------------
// The figure's title is drawn as HTML above the plot, where it wraps; annotations and x-axis titles
// that stick out of the plot at this width get line breaks (plotly does not wrap text itself).

// The few tags plotly allows in a title (<br>, <b>, <i>, <sup>, <sub>) kept; everything else shown as text.
function titleHTML(text) {
  const esc = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return esc.replace(/&lt;(\/?)(br|b|i|sup|sub)\s*\/?&gt;/gi, "<$1$2>");
}

function plainText(t) {
  return typeof t === "string" ? t : t && typeof t.text === "string" ? t.text : "";
}

// `text` with <br> between words so that no line is longer than `chars` characters.
function wrap(text, chars) {
  const lines = [];
  for (const line of text.split(/<br\s*\/?>/i)) {
    let cur = "";
    for (const word of line.split(" ")) {
      if (cur && (cur + " " + word).length > chars) {
        lines.push(cur);
        cur = word;
      } else cur = cur ? cur + " " + word : word;
    }
    lines.push(cur);
  }
  return lines.join("<br>");
}

// [path, element] for the texts that can be wrapped: annotations (subplot titles, labels), x-axis titles.
function wrappable(gd) {
  const out = [];
  for (const a of gd.querySelectorAll(".infolayer .annotation[data-index]")) {
    out.push([`annotations[${a.dataset.index}].text`, a.querySelector(".annotation-text-g") || a]);
  }
  for (const t of gd.querySelectorAll(".infolayer g[class*='title']")) {
    const m = (t.getAttribute("class") || "").match(/^g-x(\d*)title$/);
    if (m) out.push([`xaxis${m[1]}.title.text`, t]);
  }
  return out;
}

function getIn(obj, ks) {
  return ks.reduce((o, k) => (o == null ? undefined : o[k]), obj);
}


// -- a driven plot: the browser draws each step of the explorer's controls ------------------------
// The plot's `driver` trait holds the explorer's pack, its controls' model ids and its summary's.
// Every change of a control's model (a key, a drag, the kernel setting a state) is drawn here at once
// with the pack (explorer_model.js), and its sentence written into the summary; the kernel, which
// hears the same change, sends no plot update, and its copy of the sentence is the same. A state the
// pack cannot draw is asked of the kernel ("draw?"): it sends its whole figure and writes the sentence.
// One driver per model (however many views), kept by the driver trait's object.
const DRIVERS = new WeakMap();

function controlValue(c, m) {
  if (c.kind === "select") {
    const o = c.options[m.get("index")];
    return o === undefined ? undefined : o[1];
  }
  return m.get("value");
}

function sameState(pack, a, b) {
  if (!a || !b) return false;
  return pack.controls.every((c) => {
    const x = a[c.name];
    const y = b[c.name];
    return x === y || (typeof x === "number" && typeof y === "number" && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)));
  });
}

// Changes [[["data", i, ...] | ["layout", ...], value]] into the figure, as copies (Plotly.react sees them).
function applyChanges(s, changes) {
  let data = s.data;
  let layout = s.layout;
  for (const [path, value] of changes) {
    if (path[0] === "data") {
      if (data === s.data) data = data.slice();
      data[path[1]] = setIn(data[path[1]] || {}, path.slice(2), value);
    } else if (path[0] === "layout") layout = setIn(layout, path.slice(1), value);
  }
  s.data = data;
  s.layout = layout;
}

function startDriver(model) {
  const spec = model.get("driver");
  if (!spec || !spec.pack || DRIVERS.has(spec)) return;
  const M = globalThis.CrampExplorerModel;
  const d = { models: {}, views: new Set(), ready: false, changed: null, frame: 0, last: -Infinity };
  DRIVERS.set(spec, d);
  const pack = spec.pack;
  const state = () => {
    const out = {};
    for (const c of pack.controls) out[c.name] = controlValue(c, d.models[c.name]);
    return out;
  };
  // Into the figure: the controls' state now (once a frame at most; the latest state wins).
  const flush = () => {
    d.frame = 0;
    d.last = performance.now();
    const changed = d.changed;
    d.changed = null;
    let v;
    try {
      v = M.view(pack, M.normalise(pack, state(), changed));
    } catch (e) {
      console.debug("cramp plot: the kernel draws this state:", e);
      d.said = null; // and writes its sentence
      model.send({ type: "draw?" });
      return;
    }
    // The sentence, shown at once (the kernel's copy, later, is the same; an older one, from a step a
    // drag has left behind, is put right at once, before it is painted).
    if (d.summary) {
      d.said = "<p role='status' aria-live='polite'>" + v.summary + "</p>"; // base.SUMMARY_HTML
      d.summary.set("value", d.said);
    }
    applyChanges(live(model), v.changes);
    const st = stats();
    st.localSteps = (st.localSteps || 0) + 1;
    for (const redraw of d.views) redraw();
  };
  d.step = (name) => {
    if (!d.ready) return;
    d.changed = name;
    // A step is drawn at once; steps less than a frame after the last one (a drag) wait for the next
    // frame, and only the latest state is drawn: nothing queues.
    if (d.frame) return;
    if (performance.now() - d.last > 20) flush();
    else d.frame = requestAnimationFrame(flush);
  };
  d.sync = () => { // the figure the kernel sent may show another state than the controls now
    if (d.ready && !sameState(pack, state(), model.get("figure").state)) d.step(null);
  };
  Promise.all(
    Object.entries(spec.controls).map(async ([name, id]) => {
      d.models[name] = await model.widget_manager.get_model(id);
    }),
  ).then(
    async () => {
      if (spec.summary) {
        d.summary = await model.widget_manager.get_model(spec.summary);
        d.summary.on("change:value", () => {
          if (d.said && d.summary.get("value") !== d.said) d.summary.set("value", d.said);
        });
      }
      for (const c of pack.controls) {
        const m = d.models[c.name];
        m.on(c.kind === "select" ? "change:index" : "change:value", () => d.step(c.name));
      }
      d.ready = true;
      d.sync();
    },
    (e) => console.error("cramp plot: the explorer's controls were not found:", e),
  );
}

function driverOf(model) {
  const spec = model.get("driver");
  return spec && spec.pack ? DRIVERS.get(spec) : undefined;
}

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "cramp-plot";
  const title = document.createElement("div");
  title.className = "cramp-plot-title";
  const gd = document.createElement("div");
  gd.className = "cramp-plot-graph";
  box.append(title, gd);
  el.append(box);
  const first = live(model).layout;
  if (first.height) gd.style.minHeight = `${first.height}px`; // no jump when the plot arrives
  const loading = document.createElement("div");
  loading.className = "cramp-plot-loading";
  loading.textContent = "Loading the plot…";
  gd.append(loading);

  let P = null;
  let frame = 0;
  let drawn = false;
  let gone = false;
  let resize = false;
  let dirty = true;
  let blind = false;
  // Line breaks found for this width: path -> [original text, wrapped text]
  let fit = { width: 0, texts: {} };

  const layoutFor = (s, width) => {
    let layout = copyLayout(s.layout);
    delete layout.width; // the width the page gives, not a fixed one
    layout.autosize = true;
    if (layout.uirevision === undefined) layout.uirevision = "cramp"; // keep a learner's zoom across updates
    const t = layout.title && typeof layout.title === "object" ? layout.title : { text: plainText(layout.title) };
    const text = plainText(t);
    if (text) {
      // The title as HTML above the plot, so it wraps; its room in the top margin is given back.
      title.innerHTML = titleHTML(text);
      title.style.display = "";
      const size = (t.font && t.font.size) || (layout.font && layout.font.size ? layout.font.size * 1.4 : 17);
      title.style.fontSize = `${size}px`;
      const m = { ...(layout.margin || {}) };
      m.t = Math.max(10, (m.t === undefined ? 100 : m.t) - Math.round(size * 1.8));
      layout.margin = m;
      layout.title = { ...t, text: "" };
    } else title.style.display = "none";
    for (const [path, [orig, wrapped]] of Object.entries(fit.texts)) {
      const ks = keys(path);
      if (getIn(layout, ks) === orig) layout = setIn(layout, ks, wrapped);
      else fit.width = 0; // the text changed: check again after this draw
    }
    return layout;
  };

  // Laid out and painted: not hidden, and not skipped by JupyterLab's content-visibility for cells
  // scrolled far away (there nothing can be measured).
  const rendered = () =>
    box.isConnected &&
    box.clientWidth > 0 &&
    (typeof box.checkVisibility !== "function" || box.checkVisibility({ contentVisibilityAuto: true }));

  // After a draw at a new width: the texts that stick out get line breaks, and one more draw.
  const checkFit = (s, width) => {
    const outer = gd.querySelector(".main-svg");
    if (!outer || !rendered()) return false; // measured when it shows (the intersection observer)
    const r = outer.getBoundingClientRect();
    if (r.width === 0) return false;
    let changed = false;
    for (const [path, node] of wrappable(gd)) {
      const b = node.getBoundingClientRect();
      if (b.width === 0 || (b.left >= r.left - 1 && b.right <= r.right + 1)) continue;
      const orig = getIn(s.layout, keys(path));
      if (typeof orig !== "string" || !orig.includes(" ")) continue;
      const shown = fit.texts[path] ? fit.texts[path][1] : orig;
      const ks = keys(path);
      const anchor = ks[0] === "annotations" ? getIn(s.layout, ["annotations", ks[1], "xanchor"]) : "center";
      const room =
        anchor === "left"
          ? r.right - b.left - 8
          : anchor === "right"
            ? b.right - r.left - 8
            : 2 * Math.min((b.left + b.right) / 2 - r.left, r.right - (b.left + b.right) / 2) - 8;
      const longest = Math.max(...shown.split(/<br\s*\/?>/i).map((l) => l.length));
      const chars = Math.max(8, Math.floor((longest * Math.max(40, room)) / b.width));
      const wrapped = wrap(orig, chars);
      if (wrapped !== shown) {
        fit.texts[path] = [orig, wrapped];
        changed = true;
      }
    }
    fit.width = width;
    return changed;
  };

  const draw = () => {
    frame = 0;
    if (gone || !P) return;
    if (!box.isConnected || box.clientWidth === 0) return; // hidden: the observer calls again when shown
    const width = box.clientWidth;
    const s = live(model);
    if (drawn && !dirty && !resize && !blind) {
      refit(s, width);
      return;
    }
    if (drawn && resize && !dirty && !blind && fit.width === width) {
      resize = false;
      P.Plots.resize(gd);
      return;
    }
    blind = !rendered(); // drawn where nothing can be measured: drawn again when it shows
    resize = false;
    dirty = false;
    if (fit.width && fit.width !== width) fit = { width: 0, texts: {} };
    if (!drawn) {
      loading.remove();
      gd.style.minHeight = "";
    }
    const t0 = performance.now();
    lastDraw = t0;
    P.react(gd, s.data.slice(), layoutFor(s, width), { ...s.config, responsive: false });
    const st = stats();
    st.draws += 1;
    (st.drawMs ??= []).push(performance.now() - t0); // what a redraw costs (the benchmark reads it)
    if (st.drawMs.length > 500) st.drawMs.shift();
    drawn = true;
    gd.dataset.crampSeq = String(s.seq);
    refit(s, width);
  };
  // Wrap what sticks out and draw again; a second pass for what the first one moved, then it stays.
  const refit = (s, width) => {
    if (fit.width) return;
    for (let pass = 0; pass < 2 && checkFit(s, width); pass++) {
      P.react(gd, s.data.slice(), layoutFor(s, width), { ...s.config, responsive: false });
    }
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  // An update is drawn at once, unless the plot was drawn less than a frame ago (a dragged slider):
  // then at the next frame, with whatever came meanwhile. So a step waits for no frame, and a drag
  // draws at most once a frame, always the latest values.
  let lastDraw = -Infinity;
  const redraw = () => {
    dirty = true;
    if (!frame && drawn && performance.now() - lastDraw > 20) draw();
    else schedule();
  };
  const onUpdate = (msg, buffers) => {
    if (!msg || msg.type !== "update") return;
    stats().lastUpdateAt = performance.now();
    apply(live(model), msg, buffers); // every view applies it; the first one to see it changes the figure
    redraw();
  };
  const onFigure = () => {
    dirty = true;
    schedule();
    const d = driverOf(model);
    if (d) d.sync();
  };
  model.on("msg:custom", onUpdate);
  model.on("change:figure", onFigure);
  // A driven plot: a step of its controls, put into the figure by its driver (see startDriver).
  let driver = driverOf(model);
  if (driver) driver.views.add(redraw);
  const onDriver = () => {
    if (driver) driver.views.delete(redraw);
    startDriver(model);
    driver = driverOf(model);
    if (driver) driver.views.add(redraw);
  };
  model.on("change:driver", onDriver);

  let lastWidth = 0;
  const observer = new ResizeObserver(() => {
    const w = box.clientWidth;
    if (w === lastWidth) return;
    lastWidth = w;
    if (drawn) resize = true;
    schedule();
  });
  observer.observe(box);
  // Scrolled into view: measure what could not be measured before (JupyterLab skips far cells).
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && drawn && (blind || !fit.width)) schedule();
  });
  seen.observe(box);

  plotly(model).then(
    (p) => {
      P = p;
      schedule();
    },
    (e) => {
      loading.textContent = `The plot could not be drawn: ${e.message}`;
      console.error("cramp plot:", e);
    },
  );

  return () => {
    gone = true;
    if (driver) driver.views.delete(redraw);
    observer.disconnect();
    seen.disconnect();
    if (frame) cancelAnimationFrame(frame);
    if (P) P.purge(gd);
  };
}

// Updates change the figure even while no view shows it (an explorer built, moved, then displayed).
function initialize({ model }) {
  model.on("msg:custom", (msg, buffers) => {
    if (msg && msg.type === "update") apply(live(model), msg, buffers);
  });
  startDriver(model);
  model.on("change:driver", () => startDriver(model));
}

export default { initialize, render };
