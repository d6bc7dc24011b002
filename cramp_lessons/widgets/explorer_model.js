/* Cramp Lessons: the explorers' models in the browser, shared by JupyterLab and the website.
 *
 * An explorer's *pack* (cramp_lessons/widgets/packs.py) is data the Python explorer gave: either
 * every state (how: "states": the figure's changing properties and the summary sentences), or the
 * model's constants for a port (how: "port"): a JavaScript copy of the model below (PORTS) that
 * computes the figure's changing traces and the summary sentence. tests/web/test_explorers.py checks both against the Python
 * explorers.
 *
 * Used by widgets/plot.js (JupyterLab: a slider step redraws the plot in the browser, no kernel
 * round trip) and web/static/explorers.js (the website). A classic script and a part of an ES module
 * alike: it sets globalThis.CrampExplorerModel =
 *   {view(pack, state) -> {changes: [[path, value]], summary}, figureAt, summaries, normalise,
 *    setPath, spec, PORTS, py}.
 */
(function () {
  "use strict";
  "use strict";


  // ------------------------------------------------------------------ numbers as Python writes them
  // The same rules as quiz.js: Python rounds exact half-way cases to even, JavaScript away from zero.
  const TAIL = 30;
  const HALF = "5" + "0".repeat(TAIL - 1);

  function fixed(x, digits) { // f"{x:.{digits}f}"
    if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
    const a = Math.abs(x);
    const long = a.toFixed(Math.min(100, digits + TAIL));
    let cut = long.slice(0, long.length - TAIL);
    if (cut.endsWith(".")) cut = cut.slice(0, -1);
    const tieToEven = long.slice(-TAIL) === HALF && +cut[cut.length - 1] % 2 === 0;
    return (x < 0 || Object.is(x, -0) ? "-" : "") + (tieToEven ? cut : a.toFixed(digits));
  }

  function g(x) { // f"{x:g}"
    if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const a = Math.abs(x);
    const [m, e] = a.toExponential(5 + TAIL).split("e");
    const cut = m.slice(0, m.length - TAIL);
    const tieToEven = m.slice(-TAIL) === HALF && +cut[cut.length - 1] % 2 === 0;
    const [mant, ex] = tieToEven ? [cut, e] : a.toExponential(5).split("e");
    const exp = +ex;
    let out;
    if (exp < -4 || exp >= 6) {
      const mm = mant.replace(/\.?0+$/, "");
      out = mm + "e" + (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0");
    } else {
      out = fixed(a, Math.max(0, 5 - exp));
      if (out.includes(".")) out = out.replace(/\.?0+$/, "");
    }
    return (x < 0 ? "-" : "") + out;
  }

  function grouped(text) { // f"{x:,...}": thousands separators on the integer part
    const [int, frac] = text.split(".");
    const sign = int.startsWith("-") ? "-" : "";
    const digits = sign ? int.slice(1) : int;
    return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac !== undefined ? "." + frac : "");
  }

  const py = { fixed, g, grouped };

  // ------------------------------------------------------------------ packs: states and summaries
  function bytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  const decoded = new WeakMap();

  function table(t) { // the integer rows of a summary table (explorers.summary_table)
    let rows = decoded.get(t);
    if (!rows) {
      const raw = bytes(t.rows);
      const n = raw.length / t.bytes;
      rows = t.bytes === 1 ? raw : new (t.bytes === 2 ? Uint16Array : Uint32Array)(n);
      if (t.bytes > 1) {
        const dv = new DataView(raw.buffer);
        for (let i = 0; i < n; i++) rows[i] = t.bytes === 2 ? dv.getUint16(2 * i, true) : dv.getUint32(4 * i, true);
      }
      decoded.set(t, rows);
    }
    return rows;
  }

  function summaryAt(t, i) {
    const rows = table(t);
    const row = i * t.width;
    const pieces = t.templates[rows[row]];
    let text = pieces[0];
    for (let k = 1; k < pieces.length; k++) text += t.holes[k - 1][rows[row + k]] + pieces[k];
    return text;
  }

  function summaries(pack) { // every sentence of the pack's table, in order (tests)
    const t = pack.summaries;
    const n = table(t).length / t.width;
    const out = [];
    for (let i = 0; i < n; i++) out.push(summaryAt(t, i));
    return out;
  }

  const spec = (pack, name) => pack.controls.find((c) => c.name === name);

  function position(c, value) { // the index of a control's value
    if (c.kind === "range") return Math.round((value - c.min) / c.step);
    if (c.kind === "checkbox") return value ? 1 : 0;
    if (c.kind === "select") return c.options.findIndex((o) => o[1] === value);
    throw new Error("a " + c.kind + " control has no positions");
  }

  function count(c) {
    if (c.kind === "range") return Math.round((c.max - c.min) / c.step) + 1;
    if (c.kind === "checkbox") return 2;
    return c.options.length;
  }

  function gridIndex(pack, state) { // row-major over pack.grid, the last control fastest
    let idx = 0;
    for (const name of pack.grid) {
      const c = spec(pack, name);
      const k = position(c, state[name]);
      if (!(k >= 0 && k < count(c))) throw new Error(name + " = " + state[name] + " is not a position of its control");
      idx = idx * count(c) + k;
    }
    return idx;
  }

  function view(pack, state) {
    if (pack.how === "states") {
      const i = gridIndex(pack, state);
      return {
        changes: pack.changes.map((c) => [c.path, c.values[c.index[i]]]),
        summary: summaryAt(pack.summaries, i),
      };
    }
    const port = PORTS[pack.explorer];
    const full = Object.assign({}, pack.fixed || {}, state);
    return {
      changes: port.changes(pack.params, full),
      summary: port.summary(pack.params, full),
    };
  }

  function normalise(pack, state, changed) { // a control that moves others (the leg's posture menu)
    const port = pack.how === "port" ? PORTS[pack.explorer] : null;
    return port && port.normalise ? port.normalise(pack.params, state, changed) : state;
  }

  function setPath(obj, path, value) {
    let o = obj;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i];
      if (o[k] === undefined || o[k] === null) o[k] = typeof path[i + 1] === "number" ? [] : {};
      o = o[k];
    }
    o[path[path.length - 1]] = value;
  }

  const plainArray = (v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);

  function figureAt(pack, figure, state) { // the whole figure in a state (tests compare it with Python's)
    const fig = JSON.parse(JSON.stringify(figure));
    const v = view(pack, state);
    for (const [path, value] of v.changes) setPath(fig, path, plainArray(value));
    return { figure: fig, summary: v.summary };
  }

  // ------------------------------------------------------------------ ports of the Python models
  // Each port: changes(params, state) -> [[path, value]] for the figure's traces and layout that the
  // Python explorer's update() writes; summary(params, state), its sentence; optionally normalise(...).
  const PORTS = {};

  // twitch (physiology/twitch.py, widgets/explorers_physiology.py TwitchExplorer.update)
  function twitchTimes(p, tempC) {
    const cold = (p.T_REF_C - tempC) / 10;
    return [
      p.DEFAULT_CONTRACTION_MS * Math.pow(p.Q10_CONTRACTION, cold),
      p.X_HALF * p.DEFAULT_CONTRACTION_MS * Math.pow(p.Q10_HALF_RELAXATION, cold),
    ];
  }

  function twitchShape(p, tc, hrt, t) {
    if (!(t > 0)) return 0;
    const x = t <= tc ? t / tc : 1 + (p.X_HALF * (t - tc)) / hrt;
    return x * Math.exp(1 - x);
  }

  PORTS.twitch = {
    // twitch.tetanus's fusion (steady_state_ripple) and mean_force, TwitchExplorer.summary's words
    summary(p, s) {
      const [tc, hrt] = twitchTimes(p, s.temp_c);
      const period = 1000 / s.rate_hz;
      const horizon = tc + (24 * hrt) / p.X_HALF;
      const kMax = Math.ceil(horizon / period);
      let hi = -Infinity;
      let lo = Infinity;
      for (let i = 0; i < p.RIPPLE_SAMPLES; i++) {
        const at = (period * i) / p.RIPPLE_SAMPLES;
        let f = 0;
        for (let k = 0; k <= kMax; k++) f += twitchShape(p, tc, hrt, at + k * period);
        if (f > hi) hi = f;
        if (f < lo) lo = f;
      }
      const fusion = Math.min(1, Math.max(0, 1 - (hi - lo) / hi));
      const word = p.FUSION_WORDS.find(([below]) => below === null || fusion < below)[1];
      const mean = (s.rate_hz / 1000) * (tc * (Math.E - 2) + (2 * hrt) / p.X_HALF);
      return (
        "At " + fixed(s.rate_hz, 0) + " Hz and " + fixed(s.temp_c, 1) + " °C, twitches fuse " + fixed(fusion * 100, 0) +
        "%: " + word + ". Mean force " + fixed(mean, 1) + " x one twitch; a twitch peaks at " + fixed(tc, 0) +
        " ms and is half relaxed " + fixed(hrt, 0) + " ms later."
      );
    },
    changes(p, s) {
      const [tc, hrt] = twitchTimes(p, s.temp_c);
      const shape = (t) => twitchShape(p, tc, hrt, t);
      const period = 1000 / s.rate_hz;
      const nSpikes = Math.ceil((p.t_end_ms + 1e-9) / period); // np.arange(0, t_end + 1e-9, period)
      const spikes = new Float64Array(nSpikes);
      for (let k = 0; k < nSpikes; k++) spikes[k] = k * period;
      const n = Math.ceil((p.t_end_ms + p.dt_ms / 2) / p.dt_ms); // np.arange(0, t_end + dt/2, dt)
      const force = new Float64Array(n);
      const single = new Float64Array(n);
      let peak = -Infinity;
      for (let j = 0; j < n; j++) {
        const t = j * p.dt_ms;
        let f = 0;
        for (let k = 0; k < nSpikes && spikes[k] < t; k++) f += shape(t - spikes[k]);
        force[j] = f;
        single[j] = shape(t);
        if (f > peak) peak = f;
      }
      const yMax = Math.max(1, peak);
      return [
        [["data", 0, "y"], force],
        [["data", 1, "y"], single],
        [["data", 2, "x"], spikes],
        [["data", 2, "y"], new Float64Array(nSpikes).fill(-0.04 * yMax)],
        [["layout", "yaxis", "range"], [-0.08 * yMax, 1.05 * yMax]],
      ];
    },
  };

  // reflex (physiology/reflex.py _run and cramp_episodes; ReflexExplorer.update; figures cramp_band)
  const reflexRuns = new Map();

  function reflexRun(p, fatigue, stretchAt) { // reflex._run, step for step
    const key = fatigue + "|" + stretchAt;
    if (reflexRuns.has(key)) return reflexRuns.get(key);
    const n = Math.round(p.T_END_S / p.DT_S);
    const out = {};
    for (const k of ["t", "rate", "force", "drive", "spindle", "gto", "stretch"]) out[k] = new Float64Array(n + 1);
    const sigmoid = (x) => (x < -60 ? 0 : 1 / (1 + Math.exp(-x)));
    const sGain = 1 + p.K_SPINDLE * fatigue;
    const gGain = p.G1 * (1 - p.K_GTO * fatigue);
    const er = Math.exp(-p.DT_S / p.TAU_R);
    const ef = Math.exp(-p.DT_S / p.TAU_F);
    const ea = Math.exp(-p.DT_S / p.TAU_A);
    const [cOn, cOff] = p.CONTRACTION_S;
    let r = 0;
    let f = 0;
    let a = 0;
    for (let i = 0; i < 200; i++) {
      const d = p.BASELINE + (p.S0 + p.S1 * r) * sGain - gGain * f;
      r = sigmoid((d - p.THRESHOLD) / p.WIDTH);
      f = r;
    }
    for (let k = 0; k <= n; k++) {
      const tk = k * p.DT_S;
      const cmd = cOn <= tk && tk < cOff ? p.COMMAND : 0;
      const st = stretchAt === null || tk < stretchAt ? 0 : Math.min(1, (tk - stretchAt) / p.STRETCH_RAMP_S);
      const sp = (p.S0 + p.S1 * r) * sGain;
      const gt = gGain * (f + p.STRETCH_TENSION * st);
      const d = p.BASELINE + cmd + sp - gt - a;
      out.t[k] = tk;
      out.rate[k] = r;
      out.force[k] = f;
      out.drive[k] = d;
      out.spindle[k] = sp;
      out.gto[k] = gt;
      out.stretch[k] = st;
      const target = sigmoid((d - p.THRESHOLD) / p.WIDTH);
      r = target + (r - target) * er;
      f = r + (f - r) * ef;
      const aTarget = p.K_ADAPT * r;
      a = aTarget + (a - aTarget) * ea;
    }
    // cramp_episodes: involuntary high-rate firing lasting at least MIN_EPISODE_S
    out.episodes = [];
    let start = -1;
    for (let k = 0; k <= n + 1; k++) {
      const inv = k <= n && out.rate[k] > p.CRAMP_LEVEL && !(out.t[k] >= cOn && out.t[k] < cOff);
      if (inv && start < 0) start = k;
      if (!inv && start >= 0) {
        const end = k - 1;
        if (out.t[end] - out.t[start] >= p.MIN_EPISODE_S - 1e-9) {
          out.episodes.push([Number(fixed(out.t[start], 2)), Number(fixed(out.t[end], 2))]);
        }
        start = -1;
      }
    }
    if (reflexRuns.size >= 48) reflexRuns.delete(reflexRuns.keys().next().value); // the oldest
    reflexRuns.set(key, out);
    return out;
  }

  const times100 = (a) => a.map((x) => 100 * x);

  PORTS.reflex = {
    // physiology/reflex.py describe, and ReflexExplorer.summary's line on the run without stretching
    summary(p, s) {
      const fatigue = Number(fixed(s.fatigue, 2));
      const stretchAt = s.stretch ? Number(fixed(s.stretch_time, 9)) : null;
      const r = reflexRun(p, fatigue, stretchAt);
      const head = "Fatigue " + fixed(fatigue, 2) + ": ";
      if (!r.episodes.length) return head + "after the push the motor neuron calms down; no cramp.";
      const [start, end] = r.episodes[0];
      const still = end >= p.T_END_S - p.DT_S / 2;
      const stretched = stretchAt !== null && stretchAt < end + p.DT_S;
      let tail;
      if (stretched && !still) tail = "stretching from " + fixed(stretchAt, 1) + " s ends it at " + fixed(end, 1) + " s.";
      else if (still) tail = "it is still going at " + fixed(p.T_END_S, 0) + " s.";
      else if (stretchAt !== null) tail = "it fades on its own at " + fixed(end, 1) + " s, before the stretch at " + fixed(stretchAt, 1) + " s.";
      else tail = "it fades on its own at " + fixed(end, 1) + " s.";
      let text = head + "the motor neuron keeps firing at a high rate from " + fixed(start, 1) + " s: a cramp; " + tail;
      const ref = stretchAt !== null ? reflexRun(p, fatigue, null) : null;
      if (ref && ref.episodes.length && JSON.stringify(ref.episodes) !== JSON.stringify(r.episodes)) {
        const endRef = ref.episodes[0][1];
        text +=
          endRef >= p.T_END_S - p.DT_S / 2
            ? " Without stretching it would still be going at " + fixed(p.T_END_S, 0) + " s."
            : " Without stretching it would last until " + fixed(endRef, 1) + " s.";
      }
      return text;
    },
    changes(p, s) {
      const fatigue = Number(fixed(s.fatigue, 2)); // round(fatigue, 2), as the explorer asks
      const r = reflexRun(p, fatigue, s.stretch ? Number(fixed(s.stretch_time, 9)) : null);
      const ref = s.stretch ? reflexRun(p, fatigue, null) : null;
      const bx = [];
      const by = [];
      for (const [a, b] of r.episodes) {
        bx.push(a, a, b, b, a, null);
        by.push(0, 100, 100, 0, 0, null);
      }
      return [
        [["data", 0, "y"], r.drive],
        [["data", 1, "y"], r.spindle],
        [["data", 2, "y"], r.gto],
        [["data", 3, "x"], bx],
        [["data", 3, "y"], by],
        [["data", 4, "y"], times100(r.rate)],
        [["data", 5, "y"], times100(r.force)],
        [["data", 6, "y"], ref ? times100(ref.force) : new Float64Array(r.t.length).fill(NaN)],
        [["data", 7, "y"], times100(r.stretch)],
      ];
    },
  };

  // leg (physiology/leg.py _points and calf_lengths; figures/leg.py leg_panel_data, calf_curve_data;
  // LegExplorer.update and its posture menu)
  const DEG = Math.PI / 180;
  const unit = (a) => [Math.cos(a), Math.sin(a)];
  const cw = (v) => [v[1], -v[0]];
  const add = (...terms) => terms.reduce((s, [k, v]) => [s[0] + k * v[0], s[1] + k * v[1]], [0, 0]);
  const norm = (v) => Math.sqrt(v[0] * v[0] + v[1] * v[1]);

  function legPoints(p, kneeDeg, ankleDeg) {
    const g = p.GEOMETRY;
    const thigh = unit(-Math.PI / 2);
    const shankA = (-90 - kneeDeg) * DEG;
    const shank = unit(shankA);
    const foot = unit(shankA + Math.PI / 2 + ankleDeg * DEG);
    const footDown = cw(foot);
    const hip = [0, 0];
    const knee = add([1, hip], [g.thigh, thigh]);
    const ankle = add([1, knee], [g.shank, shank]);
    return {
      hip,
      knee,
      ankle,
      heel: add([1, ankle], [-g.heel_back, foot], [g.sole_below, footDown]),
      toe: add([1, ankle], [g.toe, foot], [g.sole_below, footDown]),
      gastro: add([1, knee], [-g.gastroc_above, thigh], [g.gastroc_behind, cw(thigh)]),
      soleus: add([1, knee], [g.soleus_below, shank], [g.soleus_behind, cw(shank)]),
      insertion: add([1, ankle], [-g.insert_back, foot], [g.insert_below, footDown]),
    };
  }

  function legLengths(p, knee, ankle) { // calf_lengths: fractions of standing neutral
    const raw = (k, a) => {
      const q = legPoints(p, k, a);
      return [norm(add([1, q.insertion], [-1, q.gastro])), norm(add([1, q.insertion], [-1, q.soleus]))];
    };
    if (!p._zero) p._zero = raw(0, 0);
    const [g, s] = raw(knee, ankle);
    return [g / p._zero[0], s / p._zero[1]];
  }

  const pct = (f) => Math.floor(f * 100 + 0.5); // figures.leg.pct

  function textpos(p, v) {
    const deg = (Math.atan2(v[1], v[0]) * 180) / Math.PI + 22.5;
    return p.POSITIONS[Math.floor((((deg % 360) + 360) % 360) / 45) % 8];
  }

  function belly(p, origin, insertion, muscle) {
    const [bulge, skew] = p.BELLY[muscle];
    const d = add([1, insertion], [-1, origin]);
    const len = norm(d);
    const n = cw([d[0] / len, d[1] / len]);
    const xs = [];
    const ys = [];
    let best = -Infinity;
    let k = 0;
    p.T.forEach((t, i) => {
      const prof = Math.sin(Math.PI * Math.pow(t, skew));
      if (prof > best) [best, k] = [prof, i];
      xs.push(origin[0] + t * d[0] + bulge * prof * n[0]);
      ys.push(origin[1] + t * d[1] + bulge * prof * n[1]);
    });
    return { xs, ys, label: [xs[k] + 0.03 * n[0], ys[k] + 0.03 * n[1]], n };
  }

  // physiology/leg.py length_word and verdict; widgets/explorers_body.py _signed, _legs_words, summary
  function lengthWord(f) {
    const r = Number(fixed(f * 100, 0)); // Python's round(): half to even
    return r > 100 ? "stretched" : r < 100 ? "shortened" : "at standing length";
  }

  function signed(angle) {
    const a = Number(fixed(angle, 0));
    return a === 0 ? "0" : (a > 0 ? "+" : "") + String(a);
  }

  PORTS.leg = {
    summary(p, s) {
      const [gf, sf] = legLengths(p, s.knee, s.ankle);
      const gw = lengthWord(gf);
      const sw = lengthWord(sf);
      const verdict = gw === sw ? "both " + gw : "gastrocnemius " + gw + ", soleus " + sw;
      let text =
        "Knee " + fixed(s.knee, 0) + " deg, ankle " + signed(s.ankle) + " deg: gastrocnemius " + pct(gf) +
        "% and soleus " + pct(sf) + "% of standing length: " + verdict + ".";
      if (s.posture !== p.CUSTOM) text += " Posture: " + p.POSTURE_LABELS[s.posture] + ".";
      return text;
    },
    changes(p, s) {
      const q = legPoints(p, s.knee, s.ankle);
      const [gf, sf] = legLengths(p, s.knee, s.ankle);
      const bones = [q.hip, q.knee, q.ankle, q.heel, q.toe, q.ankle];
      const gb = belly(p, q.gastro, q.insertion, "gastrocnemius");
      const sb = belly(p, q.soleus, q.insertion, "soleus");
      const sv = add([1, q.ankle], [-1, q.knee]);
      const shank = [sv[0] / norm(sv), sv[1] / norm(sv)];
      const front = cw(shank).map((x) => -x);
      const sLab = add([1, q.soleus], [0.03, front], [0.08, shank]);
      const ankleLab = add([1, q.ankle], [0.03, front], [-0.05, shank]);
      const frontPos = textpos(p, front);
      const curve = p.ANKLE_CURVE.map((a) => legLengths(p, s.knee, a)[0] * 100);
      return [
        [["data", 0, "x"], bones.map((b) => b[0])],
        [["data", 0, "y"], bones.map((b) => b[1])],
        [["data", 1, "x"], gb.xs],
        [["data", 1, "y"], gb.ys],
        [["data", 1, "customdata"], p.T.map(() => gf)],
        [["data", 2, "x"], sb.xs],
        [["data", 2, "y"], sb.ys],
        [["data", 2, "customdata"], p.T.map(() => sf)],
        [["data", 3, "x"], [q.hip[0] + 0.02, q.knee[0] + 0.03, ankleLab[0], gb.label[0], sLab[0]]],
        [["data", 3, "y"], [q.hip[1], q.knee[1], ankleLab[1], gb.label[1], sLab[1]]],
        [["data", 3, "text"], ["hip", "knee", "ankle", "G " + pct(gf) + "%", "S " + pct(sf) + "%"]],
        [["data", 3, "textposition"], ["middle right", "middle right", frontPos, textpos(p, gb.n), frontPos]],
        [["data", 4, "y"], curve],
        [["data", 6, "x"], [s.ankle]],
        [["data", 6, "y"], [gf * 100]],
        [["data", 6, "text"], [pct(gf) + "%"]],
        [["data", 7, "x"], [s.ankle]],
        [["data", 7, "y"], [sf * 100]],
        [["data", 7, "text"], [pct(sf) + "%"]],
      ];
    },
    normalise(p, s, changed) { // the posture menu moves the sliders; a slider moved away makes it custom
      const out = Object.assign({}, s);
      if (changed === "posture" && s.posture !== p.CUSTOM) {
        const [k, a] = p.POSTURES[s.posture];
        out.knee = Math.round(k);
        out.ankle = Math.round(a);
      } else if ((changed === "knee" || changed === "ankle") && s.posture !== p.CUSTOM) {
        const [k, a] = p.POSTURES[s.posture];
        if (Math.round(k) !== s.knee || Math.round(a) !== s.ankle) out.posture = p.CUSTOM;
      }
      return out;
    },
  };

  // excitability (physiology/excitability.py: rates, resting_state, _jacobian, linear_response,
  // _gate_table, _integrate, _spike_analysis; SweepCache.lookup; ExcitabilityExplorer.update).
  // Which states fire on their own and at what rate are the Python sweeps' (pack.params); a silent
  // axon shows the exact response of the linearised model to a 1 mV nudge (here e^{Jt}, in Python
  // from J's eigenvalues), a firing one the full model from a 10 mV nudge, stored as Python stores it
  // (float32, then float16).
  function hhRates(v) {
    let x = v + 40;
    const am = Math.abs(x) < 1e-7 ? 1.0 : (0.1 * x) / -Math.expm1(-x / 10);
    const bm = 4 * Math.exp(-(v + 65) / 18);
    const ah = 0.07 * Math.exp(-(v + 65) / 20);
    const bh = 1 / (1 + Math.exp(-(v + 35) / 10));
    x = v + 55;
    const an = Math.abs(x) < 1e-7 ? 0.1 : (0.01 * x) / -Math.expm1(-x / 10);
    const bn = 0.125 * Math.exp(-(v + 65) / 80);
    return [am, bm, ah, bh, an, bn];
  }

  const ionic = (p, v, m, h, n) =>
    p.G_NA * Math.pow(m, 3) * h * (v - p.E_NA) + p.G_K * Math.pow(n, 4) * (v - p.E_K) + p.G_L * (v - p.E_L);

  function steadyGates(v, shift) {
    const [am, bm, ah, bh, an, bn] = hhRates(v - shift);
    return [am / (am + bm), ah / (ah + bh), an / (an + bn)];
  }

  function restingState(p, shift, drive) { // bisection on the steady-state current, 48 halvings
    let lo = -100;
    let hi = 0;
    for (let i = 0; i < 48; i++) {
      const mid = 0.5 * (lo + hi);
      const [m, h, n] = steadyGates(mid, shift);
      if (drive - ionic(p, mid, m, h, n) > 0) lo = mid;
      else hi = mid;
    }
    const v = 0.5 * (lo + hi);
    return [v, ...steadyGates(v, shift)];
  }

  function hhRhs(p, y, shift, drive, phi) {
    const [v, m, h, n] = y;
    const [am, bm, ah, bh, an, bn] = hhRates(v - shift);
    return [
      (drive - ionic(p, v, m, h, n)) / p.C_M,
      phi * (am * (1 - m) - bm * m),
      phi * (ah * (1 - h) - bh * h),
      phi * (an * (1 - n) - bn * n),
    ];
  }

  function jacobian(p, y, shift, drive, phi) { // central differences, as _jacobian
    const J = [[], [], [], []];
    [1e-4, 1e-7, 1e-7, 1e-7].forEach((eps, j) => {
      const up = y.slice();
      const down = y.slice();
      up[j] += eps;
      down[j] -= eps;
      const a = hhRhs(p, up, shift, drive, phi);
      const b = hhRhs(p, down, shift, drive, phi);
      for (let i = 0; i < 4; i++) J[i][j] = (a[i] - b[i]) / (2 * eps);
    });
    return J;
  }

  const matmul = (A, B) => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));

  function expm(A) { // scaling and squaring with a Taylor series: ample for a 4 x 4 over 0.05 ms
    const normA = Math.max(...A.map((row) => row.reduce((s, a) => s + Math.abs(a), 0)));
    const sq = Math.max(0, Math.ceil(Math.log2(normA || 1)) + 4);
    const X = A.map((row) => row.map((a) => a / Math.pow(2, sq)));
    let term = A.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
    let E = term.map((row) => row.slice());
    for (let k = 1; k <= 20; k++) {
      term = matmul(term, X).map((row) => row.map((a) => a / k));
      E = E.map((row, i) => row.map((a, j) => a + term[i][j]));
    }
    for (let i = 0; i < sq; i++) E = matmul(E, E);
    return E;
  }

  function f16round(x) { // to the nearest float16 (ties to even), as numpy's astype(float16)
    if (!Number.isFinite(x) || x === 0) return x;
    const a = Math.abs(x);
    let e = Math.max(-14, Math.floor(Math.log2(a)));
    if (e > -14 && Math.pow(2, e) > a) e -= 1;
    if (Math.pow(2, e + 1) <= a) e += 1;
    const ulp = Math.pow(2, e - 10);
    const q = a / ulp;
    const f = Math.floor(q);
    const r = q - f > 0.5 || (q - f === 0.5 && f % 2 === 1) ? f + 1 : f;
    const out = r * ulp;
    return (x < 0 ? -1 : 1) * (out >= 65520 ? Infinity : out);
  }

  const gateTables = new Map();

  function gateTable(p, phi, dt) { // rows over V - shift: A_m, A_h, A_n, B_m, B_h, B_n
    const key = phi + "|" + dt;
    if (!gateTables.has(key)) {
      const rows = Math.round((p.V_HI - p.V_LO) / p.DV) + 1;
      const t = new Float64Array(rows * 6);
      for (let i = 0; i < rows; i++) {
        const [am, bm, ah, bh, an, bn] = hhRates(p.V_LO + i * p.DV);
        [[am, bm], [ah, bh], [an, bn]].forEach(([a, b], g) => {
          const decay = Math.exp(-phi * dt * (a + b));
          t[6 * i + g] = decay;
          t[6 * i + 3 + g] = (a / (a + b)) * (1 - decay);
        });
      }
      if (gateTables.size >= 3) gateTables.delete(gateTables.keys().next().value); // 1.4 MB each
      gateTables.set(key, { t, rows });
    }
    return gateTables.get(key);
  }

  function integrate(p, rest, kick, shift, drive, phi, dt) { // _integrate: returns float32 samples
    const { t: tab, rows } = gateTable(p, phi, dt);
    const nSteps = Math.round(p.t_end / dt);
    const hist = new Float32Array(nSteps + 1);
    let v = rest[0] + kick;
    let m = rest[1];
    let h = rest[2];
    let n = rest[3];
    hist[0] = v;
    const offset = (-shift - p.V_LO) / p.DV + 0.5;
    const invDv = 1 / p.DV;
    const c = p.G_L * p.E_L + drive;
    for (let k = 1; k <= nSteps; k++) {
      const idx = Math.min(rows - 1, Math.max(0, Math.trunc(v * invDv + offset)));
      const r = 6 * idx;
      m = m * tab[r] + tab[r + 3];
      h = h * tab[r + 1] + tab[r + 4];
      n = n * tab[r + 2] + tab[r + 5];
      const gNa = m * m * m * h * p.G_NA;
      const n2 = n * n;
      const gK = n2 * n2 * p.G_K;
      const gSum = gNa + gK + p.G_L;
      const vInf = (gNa * p.E_NA + gK * p.E_K + c) / gSum;
      v = (v - vInf) * Math.exp(gSum * (-dt / p.C_M)) + vInf;
      hist[k] = v;
    }
    return hist;
  }

  function spikeTimes(p, hist, dt) { // upward crossings of the threshold, interpolated
    const out = [];
    const th = p.SPIKE_THRESHOLD_MV;
    for (let k = 0; k + 1 < hist.length; k++) {
      if (!(hist[k] >= th) && hist[k + 1] >= th) out.push(k * dt + (dt * (th - hist[k])) / (hist[k + 1] - hist[k]));
    }
    return out;
  }

  function excitabilityData(p) {
    if (!p._unstable) {
      p._unstable = bytes(p.unstable);
      const raw = bytes(p.rates);
      p._rates = new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8);
      const rank = new Int32Array(p.ca.length * p.temp.length * p.drive.length).fill(-1);
      let r = 0;
      for (let i = 0; i < rank.length; i++) if ((p._unstable[i >> 3] >> (i & 7)) & 1) rank[i] = r++;
      p._rank = rank; // index of each firing state's rate
    }
    return p;
  }

  const near = (grid, x) => grid.findIndex((g) => Math.abs(g - x) <= 1e-6);

  function axon(p, s) { // the explorer's view of one state, kept for the summary that follows
    const key = s.ca_mmol + "|" + s.temp_c + "|" + s.drive;
    if (p._last && p._last.key === key) return p._last;
    excitabilityData(p);
    const ic = near(p.ca, s.ca_mmol);
    const it = near(p.temp, s.temp_c);
    const id = near(p.drive, s.drive);
    if (ic < 0 || it < 0 || id < 0) throw new Error("not a state of the axon's grid: " + JSON.stringify(s));
    const flat = (i, j, k) => (i * p.temp.length + j) * p.drive.length + k;
    const rateAt = (i) => (p._rank[i] < 0 ? 0 : p._rates[p._rank[i]]);
    const curve = p.ca.map((_, i) => rateAt(flat(i, it, id)));
    const here = flat(ic, it, id);
    const shift = p.shift[ic];
    const drive = p.drive[id];
    const phi = p.phi[it];
    const rest = restingState(p, shift, drive);
    const v = new Float32Array(p.n_t);
    let spikes = [];
    const fires = p._rank[here] >= 0;
    if (fires) { // fires on its own: the full model from a 10 mV nudge
      const dt = p.dt[it];
      const hist = integrate(p, rest, p.LIMIT_CYCLE_KICK_MV, shift, drive, phi, dt);
      spikes = spikeTimes(p, hist, dt);
      const every = Math.max(1, Math.round(p.store_dt / dt));
      for (let k = 0; k < p.n_t; k++) v[k] = f16round(hist[k * every]);
    } else { // silent: the linearised model's response to a 1 mV nudge, exactly
      const E = expm(jacobian(p, rest, shift, drive, phi).map((row) => row.map((a) => a * p.store_dt)));
      let y = [1, 0, 0, 0];
      for (let k = 0; k < p.n_t; k++) {
        v[k] = rest[0] + p.DEFAULT_KICK_MV * y[0];
        y = E.map((row) => row[0] * y[0] + row[1] * y[1] + row[2] * y[2] + row[3] * y[3]);
      }
    }
    p._last = { key, ic, curve, v, spikes, fires, rate: rateAt(here) };
    return p._last;
  }

  PORTS.excitability = {
    changes(p, s) {
      const a = axon(p, s);
      return [
        [["data", 0, "y"], a.v],
        [["data", 1, "x"], a.spikes],
        [["data", 1, "y"], a.spikes.map(() => 55)],
        [["data", 2, "y"], a.curve],
        [["data", 3, "x"], [p.ca[a.ic]]],
        [["data", 3, "y"], [a.rate]],
      ];
    },
    // ExcitabilityExplorer.summary and onset_mmol
    summary(p, s) {
      const a = axon(p, s);
      const [lo, hi] = p.CA_NORMAL;
      const ca = s.ca_mmol;
      const where = ca < lo - 1e-9 ? "below the normal" : ca > hi + 1e-9 ? "above the normal" : "inside the normal";
      const head =
        "At " + fixed(ca, 2) + " mmol/L calcium (" + where + " " + fixed(lo, 2) + "-" + fixed(hi, 2) + "), " +
        fixed(s.temp_c, 1) + " °C and drive " + fixed(s.drive, 1) + " µA/cm², ";
      const body = a.fires
        ? "the axon fires on its own at " + fixed(a.rate, 0) + " Hz: over-excitable, as in tetany."
        : "the axon rests at " + fixed(a.v[p.n_t - 1], 0) + " mV and does not fire on its own.";
      let onset = null;
      a.curve.forEach((r, i) => {
        if (r > 0 && (onset === null || p.ca[i] > onset)) onset = p.ca[i];
      });
      const tail =
        onset === null
          ? " It would fire on its own at no calcium level shown."
          : " In this model it starts firing on its own at " + fixed(onset, 2) + " mmol/L and below; that level comes " +
            "from how the model was tuned and is illustrative, not a clinical threshold (real tetany usually " +
            "needs a much lower calcium).";
      return head + body + tail;
    },
  };

  // ABI calculator (physiology/circulation.py ankle_brachial_index, abi_band; figures/circulation.py
  // abi_data; AbiCalculator.update and summary)
  function abiReading(p, ankle, arm) {
    const [lo, hi] = p.PLAUSIBLE;
    for (const [name, x] of [["ankle systolic pressure", ankle], ["arm systolic pressure", arm]]) {
      if (x <= 0) return { error: name + " must be positive (mmHg), got " + g(x) };
      if (!(lo <= x && x <= hi)) {
        return {
          error: name + " of " + g(x) + " mmHg is outside the range this calculator accepts (" + g(lo) + "-" + g(hi) + " mmHg); check the number",
        };
      }
    }
    const abi = ankle / arm;
    const r = Number(fixed(abi, 2)); // judged on the value rounded to two decimals
    const band = p.BANDS.find((b) => b.high === null || r <= b.high);
    return { abi, band };
  }

  PORTS.abi = {
    changes(p, s) {
      const x = abiReading(p, s.ankle_systolic, s.arm_systolic);
      if (x.error) return [[["data", 0, "x"], [null]], [["data", 0, "y"], [null]], [["data", 0, "text"], [""]]];
      const shown = Math.min(Math.max(x.abi, p.ABI_Y[0] + 0.02), p.ABI_Y[1] - 0.02);
      return [
        [["data", 0, "x"], [0.35]],
        [["data", 0, "y"], [shown]],
        [["data", 0, "text"], ["ABI " + fixed(x.abi, 2) + ": " + x.band.label]],
      ];
    },
    summary(p, s) {
      const x = abiReading(p, s.ankle_systolic, s.arm_systolic);
      if (x.error) return "Cannot compute the ABI: " + x.error + ".";
      return (
        "ABI = " + g(s.ankle_systolic) + " / " + g(s.arm_systolic) + " mmHg = " + fixed(x.abi, 2) + ": " +
        x.band.label + " (" + p.bands_source + "). Not a diagnosis."
      );
    },
  };

  // sweat calculator (physiology/sweat.py sweat_balance and SweatBalance.summary; figures/sweat.py
  // sweat_data; SweatCalculator.update and summary)
  function sweatBalance(p, s) {
    const v = {};
    for (const name of p.ORDER) {
      const label = (p.LABELS[name] + " (" + p.UNITS[name] + ")").replace(" ()", "");
      const x = s[name];
      const [lo, hi] = p.LIMITS[name];
      if (lo === null && x <= 0) return { error: label + " must be greater than zero, got " + g(x) };
      if (lo !== null && x < lo) return { error: label + " cannot be negative, got " + g(x) };
      if (x > hi) return { error: label + " of " + g(x) + " is above " + g(hi) + ", the most this calculator accepts; check the number" };
      v[name] = x;
    }
    const lost = v.duration_h * v.sweat_rate_l_per_h;
    const naLost = lost * v.sweat_sodium_mg_per_l;
    const deficit = lost - v.fluid_drunk_l;
    return {
      d: v.duration_h,
      rate: v.sweat_rate_l_per_h,
      lost,
      drunk: v.fluid_drunk_l,
      deficit,
      pct: (100 * deficit) / v.body_mass_kg,
      naLost,
      naIn: v.sodium_intake_mg,
      naDeficit: naLost - v.sodium_intake_mg,
    };
  }

  const mg = (x) => grouped(fixed(x, 0)) + " mg";

  PORTS.sweat = {
    changes(p, s) {
      const b = sweatBalance(p, s);
      const bars = b.error
        ? [[0, "-"], [0, "-"], [0, "-"], [0, "-"]]
        : [[b.lost, fixed(b.lost, 2) + " L"], [b.drunk, fixed(b.drunk, 2) + " L"], [b.naLost, mg(b.naLost)], [b.naIn, mg(b.naIn)]];
      return bars.flatMap(([y, text], i) => [[["data", i, "y"], [y]], [["data", i, "text"], [text]]]);
    },
    summary(p, s) {
      const b = sweatBalance(p, s);
      if (b.error) return "Cannot compute the balance: " + b.error + ".";
      const fd = b.deficit;
      const sd = b.naDeficit;
      const fluid =
        fd > 0 ? "net deficit " + fixed(fd, 2) + " L (" + fixed(b.pct, 1) + "% of body mass)"
          : fd < 0 ? "net surplus " + fixed(-fd, 2) + " L" : "fluid balanced";
      const sodium = sd > 0 ? "net deficit " + mg(sd) : sd < 0 ? "net surplus " + mg(-sd) : "balanced";
      return (
        g(b.d) + " h at " + g(b.rate) + " L/h: fluid lost " + fixed(b.lost, 2) + " L, drunk " + fixed(b.drunk, 2) +
        " L, " + fluid + ". Sodium lost " + mg(b.naLost) + ", taken in " + mg(b.naIn) + ", " + sodium +
        ". A balance, not a cramp risk."
      );
    },
  };

  globalThis.CrampExplorerModel = { view, figureAt, summaries, normalise, setPath, spec, PORTS, py };
})();
