// A Plotly chart that stays mounted across reruns: new figures go through Plotly.react, which
// diffs instead of tearing the chart down (st.plotly_chart remounts on every new figure).
//
// A *live* chart follows its page's controls in the browser: the points and each activation's
// f and f′ (JavaScript generated from the registry's symbolic forms, activations/jscode.py)
// arrive once, in an element of their own; while a slider is dragged (or a field typed, a
// toggle flipped) the chart recomputes W x + b and f here and redraws at most once per
// animation frame, with no server round trip. The rerun that follows the release brings the
// server's figure; a figure made for other values than the controls now show is never drawn
// over a newer frame (it is stale: a newer rerun is coming).

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__activationLabPlotly) {
    window.__activationLabPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__activationLabPlotly = null;
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(script);
    });
  }
  return window.__activationLabPlotly;
}

function decodeArray(spec) {
  // {dtype, bdata: base64}, as plotly.py encodes NumPy arrays.
  const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
  const types = { f8: Float64Array, f4: Float32Array, i4: Int32Array, i1: Int8Array };
  return new types[spec.dtype](bytes.buffer);
}

// --- number formats, as Python's format specs ---

function formatG(value, digits) {
  // Python's "{:.<digits>g}".
  if (!Number.isFinite(value)) return value !== value ? "nan" : value > 0 ? "inf" : "-inf";
  if (value === 0) return "0";
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  let text;
  if (exponent < -4 || exponent >= digits) {
    text = value.toExponential(digits - 1).replace(/\.?0+e/, "e");
    text = text.replace(/e([+-])(\d)$/, "e$10$2");
  } else {
    text = value.toFixed(Math.max(0, digits - 1 - exponent));
    if (text.includes(".")) text = text.replace(/\.?0+$/, "");
  }
  return text;
}

function formatPercent(share) {
  return (100 * share).toFixed(1) + "%"; // "{:.1%}"
}

function formatCount(n) {
  return n.toLocaleString("en-US"); // "{:,}"
}

// --- the controls a chart follows ---

function readWidget(widget) {
  // The value a watched widget shows: a slider's or field's number, a toggle as 0 or 1.
  const box = widget.querySelector("input[type=checkbox]");
  if (box) return box.checked ? 1 : 0;
  const input = widget.querySelector("input[type=range]") || widget.querySelector("input");
  if (!input || input.value === "") return null;
  const value = Number(input.value);
  return Number.isFinite(value) ? value : null;
}

function same(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function chartStore() {
  return (window.__activationLabLive = window.__activationLabLive || {});
}

function stale(div) {
  // The figure's values differ from what the controls now show: a newer rerun is coming.
  const { state, live } = div.__alValues || {};
  return Object.keys(state || {}).some((key) => !same(state[key], live[key]));
}

function exactWidget(widget) {
  // Sliders and toggles show their exact value; a number field shows it rounded to its format
  // (W's entries: 6 digits), so only what the user types in one counts.
  return widget && widget.querySelector("input[type=range], input[type=checkbox]") !== null;
}

function controlValues(meta) {
  // Per control, the value a slider or toggle of it shows when it differs from the figure's
  // (the slider of a slider-and-field pair moves first), else the figure's.
  const live = Object.assign({}, meta.state || {});
  for (const [key, classes] of Object.entries(meta.controls || {})) {
    for (const cls of classes) {
      const widget = document.querySelector("." + cls);
      const value = exactWidget(widget) ? readWidget(widget) : null;
      if (value !== null && !same(value, live[key])) live[key] = value;
    }
  }
  return live;
}

function onControl(div, target) {
  const controls = div.__alControls;
  if (!controls || !(target instanceof Element)) return;
  for (const [key, classes] of Object.entries(controls)) {
    for (const cls of classes) {
      const widget = target.closest("." + cls);
      if (!widget) continue;
      const value = readWidget(widget);
      if (value === null || same(value, div.__alValues.live[key])) return;
      chartStore().lastInput = Date.now();
      div.__alValues.live[key] = value;
      scheduleFrame(div);
      return;
    }
  }
}

const IDLE_MS = 1500; // no control moved for this long: the hand has rested

function drawWhenIdle(div, figure, draw) {
  // Draw a figure held back as stale once no control has moved for IDLE_MS, unless a newer
  // figure has come for this chart by then.
  const host = div.parentElement;
  clearTimeout(host.__alStaleTimer);
  const retry = () => {
    const quiet = Date.now() - (chartStore().lastInput || 0);
    if (quiet < IDLE_MS) {
      host.__alStaleTimer = setTimeout(retry, IDLE_MS - quiet);
      return;
    }
    div.__alValues.live = Object.assign({}, div.__alValues.state);
    draw();
  };
  host.__alStaleTimer = setTimeout(retry, IDLE_MS);
}

function watchVisibility(div) {
  // A chart scrolled out of view is not redrawn while the hand moves (each redraw of a
  // WebGL chart costs tens of ms); it catches up when it comes into view.
  if (div.__alVisibility) return;
  div.__alVisible = true;
  div.__alVisibility = new IntersectionObserver((entries) => {
    div.__alVisible = entries[entries.length - 1].isIntersecting;
    if (div.__alVisible && div.__alDirty) scheduleFrame(div);
  });
  div.__alVisibility.observe(div);
}

function scheduleFrame(div) {
  if (!div.__alVisible) {
    div.__alDirty = true;
    return;
  }
  div.__alDirty = false;
  if (div.__alPending) return;
  div.__alPending = true;
  requestAnimationFrame(() => {
    div.__alPending = false;
    const data = chartStore()[div.dataset.chart];
    if (!data || !window.Plotly || !div.dataset.drawn) return;
    const started = performance.now();
    try {
      LIVE[data.kind](window.Plotly, div, data, div.__alValues.live, div.__alDynamic);
    } catch (error) {
      console.error("live chart", error); // the rerun after the release draws it anyway
      return;
    }
    // Counted for bench/bench_live_drag.py and the browser tests.
    window.__activationLabFrames = (window.__activationLabFrames || 0) + 1;
    const byChart = (window.__activationLabChartFrames = window.__activationLabChartFrames || {});
    byChart[div.dataset.chart] = (byChart[div.dataset.chart] || 0) + 1;
    const times = (window.__activationLabFrameTimes = window.__activationLabFrameTimes || []);
    if (times.length < 10000) times.push(performance.now() - started);
  });
}

function watchControls(div) {
  // Pointer drags and key presses end in React writing a slider input's value attribute;
  // native input and change events cover fields and toggles. Registered once per chart.
  if (div.__unwatch) return div.__unwatch;
  const onEvent = (event) => onControl(div, event.target);
  const observer = new MutationObserver((records) => {
    // A slider's value attribute; a field's is rewritten by reruns too (rounded to its
    // format), so fields count by their input events only.
    for (const record of records) {
      if (record.target.type === "range") onControl(div, record.target);
    }
  });
  observer.observe(document.body, {
    subtree: true,
    attributes: true,
    attributeFilter: ["value", "aria-valuetext"],
  });
  document.addEventListener("input", onEvent, true);
  document.addEventListener("change", onEvent, true);
  div.__unwatch = () => {
    observer.disconnect();
    document.removeEventListener("input", onEvent, true);
    document.removeEventListener("change", onEvent, true);
    div.__unwatch = null;
  };
  return div.__unwatch;
}

// --- activations, compiled once per spec ---

function compiled(spec) {
  const cache = (window.__activationLabActs = window.__activationLabActs || new Map());
  const key = spec.f + "\n" + spec.g;
  if (!cache.has(key)) cache.set(key, ActivationLabRuntime.compile(spec));
  return cache.get(key);
}

function paramValues(side, live) {
  return side.params.map((key) => live[key]);
}

// --- Curves: f and f′ of each curve on the x grid, for its current parameters ---

function curveLabel(curve, values) {
  // controls.slot_label: the parameters shown when changed from the defaults or a copy.
  const changed = values.some((v, i) => v !== curve.defaults[i]);
  if (!curve.copy && !changed) return curve.label;
  const inner = curve.names.map((n, i) => n + "=" + formatG(values[i], 6)).join(", ");
  return curve.label + " (" + inner + ")";
}

function liveCurves(Plotly, div, data, live) {
  const x = data.__x || (data.__x = decodeArray(data.x));
  const xs = [];
  const ys = [];
  const names = [];
  const traces = [];
  const pair = [0, 0];
  for (const curve of data.curves) {
    if (!curve.params.length) continue;
    const act = compiled(curve.spec);
    const p = paramValues(curve, live);
    if (p.some((v) => v === undefined)) continue;
    const f = new Float32Array(x.length);
    const g = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      act.vg(x[i], p, pair);
      f[i] = pair[0];
      g[i] = data.log_grad ? (Math.abs(pair[1]) > 0 ? Math.abs(pair[1]) : NaN) : pair[1];
    }
    const label = curveLabel(curve, p);
    xs.push(x, x);
    ys.push(f, data.log_grad ? g : Float32Array.from(g));
    names.push(label, label + " · f′");
    traces.push(curve.traces[0], curve.traces[1]);
    if (data.probe !== null && curve.traces.length > 2) {
      act.vg(data.probe, p, pair);
      xs.push([data.probe], [data.probe]);
      ys.push([pair[0]], [data.log_grad ? Math.abs(pair[1]) : pair[1]]);
      names.push("", "");
      traces.push(curve.traces[2], curve.traces[3]);
    }
  }
  if (!traces.length) return;
  // The moving curves are drawn on a 2-D canvas over the chart (a Plotly.restyle recomputes
  // and redraws every trace: ~25 ms for four curves); through Plotly once the hand rests, with
  // their legend names. A curve leaving the y axis's range goes through Plotly at once, which
  // widens the axis.
  clearTimeout(div.__alExactTimer);
  if (!withinRanges(div, traces, ys) || !overlayRedraw(div, traces, xs, ys)) {
    endOverlay(div);
    Plotly.restyle(div, { y: ys }, traces);
    div.__alExactTimer = setTimeout(() => Plotly.restyle(div, { name: names }, traces), 200);
    return;
  }
  div.__alExactTimer = setTimeout(() => {
    Promise.resolve(Plotly.restyle(div, { y: ys, name: names }, traces)).then(() => endOverlay(div));
  }, 200);
}

function withinRanges(div, traces, ys) {
  // Every finite value of ``ys`` inside its y axis's current range.
  const layout = div._fullLayout;
  return traces.every((t, k) => {
    const ya = layout[div._fullData[t].yaxis.replace("y", "yaxis")];
    if (!ya || !ya.range) return false;
    const log = ya.type === "log";
    const [lo, hi] = [Math.min(...ya.range), Math.max(...ya.range)];
    for (const v of ys[k]) {
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      const u = log ? Math.log10(v) : v;
      if (u < lo || u > hi) return false;
    }
    return true;
  });
}

// --- Warp: the layer f(W x + b) on the cloud ---

function rotationOf(angle) {
  return [Math.cos(angle), Math.sin(angle)];
}

function wrap(angle) {
  // (−π, π], as activations.warp._wrap
  const twoPi = 2 * Math.PI;
  return Math.PI - (((Math.PI - angle) % twoPi) + twoPi) % twoPi;
}

function decompose(w) {
  // activations.warp.decompose in closed form: W = R(φ)·diag(σ₁, ±σ₂)·R(θ).
  const [a, b, c, d] = w;
  const E = (a + d) / 2, F = (a - d) / 2, G = (c + b) / 2, H = (c - b) / 2;
  const Q = Math.hypot(E, H), R = Math.hypot(F, G);
  const s1 = Q + R;
  let s2 = Math.abs(Q - R);
  if (s1 === 0) return { theta: 0, phi: 0, S: [0, 0] };
  if (s2 <= 1e-13 * s1) s2 = 0;
  const reflect = s2 > 0 && Q < R;
  const S = [s1, reflect ? -s2 : s2];
  if (s1 - s2 <= 1e-12 * s1) return { theta: 0, phi: wrap(Math.atan2(c, a)), S };
  const a1 = Math.atan2(G, F), a2 = Math.atan2(H, E);
  let theta = wrap((a2 - a1) / 2), phi = wrap((a2 + a1) / 2);
  const altTheta = wrap(theta + Math.PI), altPhi = wrap(phi + Math.PI);
  if (Math.abs(altTheta) + Math.abs(altPhi) < Math.abs(theta) + Math.abs(phi)) {
    theta = altTheta;
    phi = altPhi;
  }
  return { theta, phi, S };
}

function layerOf(live, dyn) {
  // W and b as the page's controls make them (ui/warp_view._matrix).
  let w = dyn.w;
  if (dyn.mode === "svd") {
    const rad = Math.PI / 180;
    const [ct, st] = rotationOf(live.theta * rad);
    const [cp, sp] = rotationOf(live.phi * rad);
    const s1 = live.s1, s2 = live.reflect ? -live.s2 : live.s2;
    // R(φ)·diag(s1, s2)·R(θ)
    w = [
      cp * s1 * ct - sp * s2 * st,
      -cp * s1 * st - sp * s2 * ct,
      sp * s1 * ct + cp * s2 * st,
      -sp * s1 * st + cp * s2 * ct,
    ];
  } else if (dyn.mode === "typed") {
    w = [live.w11, live.w12, live.w21, live.w22];
  }
  if (w.some((v) => !Number.isFinite(v))) w = dyn.w;
  return { w, b: [live.b1, live.b2] };
}

function stagesOf(points, layer, act, p, eps) {
  // The six stages of activations.warp.layer_stages on points (m, 2), with per point
  // f′ (for |f′| < ε and the area change).
  const m = points.length / 2;
  const svd = decompose(layer.w);
  const [ct, st] = rotationOf(svd.theta);
  const [w00, w01, w10, w11] = layer.w;
  const [b0, b1] = layer.b;
  const out = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(2 * m));
  const grad = new Float64Array(2 * m);
  const pair = [0, 0];
  for (let i = 0; i < m; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    const rx = ct * x - st * y, ry = st * x + ct * y;
    const lx = w00 * x + w01 * y, ly = w10 * x + w11 * y;
    const zx = lx + b0, zy = ly + b1;
    out[0][2 * i] = x; out[0][2 * i + 1] = y;
    out[1][2 * i] = rx; out[1][2 * i + 1] = ry;
    out[2][2 * i] = rx * svd.S[0]; out[2][2 * i + 1] = ry * svd.S[1];
    out[3][2 * i] = lx; out[3][2 * i + 1] = ly;
    out[4][2 * i] = zx; out[4][2 * i + 1] = zy;
    act.vg(zx, p, pair);
    out[5][2 * i] = pair[0]; grad[2 * i] = pair[1];
    act.vg(zy, p, pair);
    out[5][2 * i + 1] = pair[0]; grad[2 * i + 1] = pair[1];
  }
  const det = w00 * w11 - w01 * w10;
  return { stages: out, grad, svd, det, eps };
}

function frameOf(result, k, steps) {
  // Frame k of activations.warp.interpolate_stages.
  const i = Math.floor(k / steps), j = k % steps;
  const stages = result.stages;
  if (j === 0) return stages[i];
  const t = j / steps;
  const a = stages[i], b = stages[i + 1];
  const out = new Float64Array(a.length);
  if (i === 0 || i === 2) {
    const [c, s] = rotationOf(t * (i === 0 ? result.svd.theta : result.svd.phi));
    for (let q = 0; q < a.length; q += 2) {
      out[q] = c * a[q] - s * a[q + 1];
      out[q + 1] = s * a[q] + c * a[q + 1];
    }
  } else if (i === 1) {
    const fx = 1 + t * (result.svd.S[0] - 1), fy = 1 + t * (result.svd.S[1] - 1);
    for (let q = 0; q < a.length; q += 2) {
      out[q] = a[q] * fx;
      out[q + 1] = a[q + 1] * fy;
    }
  } else {
    for (let q = 0; q < a.length; q++) out[q] = a[q] + t * (b[q] - a[q]);
  }
  return out;
}

function marks(result) {
  // Per point: some |f′(zᵢ)| < ε (NaN compares false).
  const g = result.grad;
  const m = g.length / 2;
  const marked = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    marked[i] = Math.abs(g[2 * i]) < result.eps || Math.abs(g[2 * i + 1]) < result.eps ? 1 : 0;
  }
  return marked;
}

function areaValues(result) {
  // charts.warp.area_values of |det(diag(f′(z)) W)|.
  const g = result.grad;
  const m = g.length / 2;
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const v = Math.log10(Math.abs(g[2 * i] * g[2 * i + 1] * result.det));
    out[i] = v !== v ? -3 : Math.min(3, Math.max(-3, v));
  }
  return out;
}

function gather(points, order) {
  const x = new Float32Array(order.length), y = new Float32Array(order.length);
  for (let q = 0; q < order.length; q++) {
    const i = order[q];
    x[q] = i < 0 ? NaN : points[2 * i];
    y[q] = i < 0 ? NaN : points[2 * i + 1];
  }
  return [x, y];
}

function squareRange(arrays) {
  // charts.warp._square_range
  const lo = [-1, -1], hi = [1, 1];
  for (const a of arrays) {
    for (let q = 0; q < a.length; q++) {
      const v = a[q];
      if (!Number.isFinite(v)) continue;
      const j = q & 1;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const half = 0.55 * Math.max(hi[0] - lo[0], hi[1] - lo[1]);
  const mid = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2];
  return [[mid[0] - half, mid[0] + half], [mid[1] - half, mid[1] + half]];
}

function sideResults(data, live, dyn, points) {
  // Each side's stages on ``points`` (n, 2) for the values the controls show.
  const layer = layerOf(live, dyn);
  return data.sides.map((side) =>
    stagesOf(points, layer, compiled(side.spec), paramValues(side, live), dyn.eps));
}

function restyleWarp(Plotly, div, data, results, panelPoints, rangeArrays) {
  const xs = [], ys = [], colors = [];
  const markedBySide = data.sat ? results.map(marks) : [];
  const areaBySide = data.area ? results.map(areaValues) : [];
  data.traces.forEach((trace, t) => {
    const side = data.panels[trace.panel].side;
    let order = trace.__order || (trace.__order = decodeArray(trace.order));
    if (trace.ring) {
      const marked = markedBySide[side];
      const chosen = [];
      for (let i = 0; i < marked.length; i++) if (marked[i]) chosen.push(i);
      order = Int32Array.from(chosen);
    }
    const [x, y] = gather(panelPoints[trace.panel], order);
    xs.push(x);
    ys.push(y);
    if (data.area) {
      const values = areaBySide[side];
      colors.push(
        trace.area
          ? Float32Array.from(order, (i) => (i < 0 ? NaN : values[i]))
          : div.data[t].marker.color,
      );
    }
  });
  const update = { x: xs, y: ys };
  if (data.area) update["marker.color"] = colors;
  // New axis ranges only when the points leave the view or fill under a third of it: a
  // relayout costs ten frames. The new view has a margin (a quarter more than the points
  // need), so that a turning or growing cloud asks for one again only after a while.
  const layout = {};
  rangeArrays.forEach((arrays, i) => {
    const [xr, yr] = squareRange(arrays);
    const suffix = i === 0 ? "" : String(i + 1);
    const now = div.layout["xaxis" + suffix] && div.layout["xaxis" + suffix].range;
    const nowY = div.layout["yaxis" + suffix] && div.layout["yaxis" + suffix].range;
    if (!now || !nowY || !fits(xr, now) || !fits(yr, nowY)) {
      layout["xaxis" + suffix + ".range"] = widened(xr, 1.25);
      layout["yaxis" + suffix + ".range"] = widened(yr, 1.25);
    }
  });
  clearTimeout(div.__alExactTimer);
  const exact = () => {
    const drawn = Object.keys(layout).length
      ? Plotly.update(div, update, layout)
      : Plotly.restyle(div, update);
    return Promise.resolve(drawn).then(() => endOverlay(div));
  };
  if (Object.keys(layout).length) {
    // Counted for bench/bench_live_drag.py: each costs several frames.
    window.__activationLabRelayouts = (window.__activationLabRelayouts || 0) + 1;
  }
  const indices = xs.map((_, i) => i);
  if (Object.keys(layout).length || !overlayRedraw(div, indices, xs, ys, data.area ? colors : null)) {
    exact();
    return;
  }
  // Drawn straight into WebGL; once the hand rests, through Plotly too (hover, exports).
  div.__alExactTimer = setTimeout(exact, 200);
}

function overlayRedraw(div, indices, xs, ys, colors = null) {
  // Traces ``indices`` at new positions, drawn on a 2-D canvas laid over the chart while
  // Plotly's own drawing of them hides (until endOverlay, once Plotly has redrawn them).
  // Without a GPU (software WebGL, as on machines whose GPU Chrome blocklists) every WebGL
  // frame is drawn by the CPU and read back for the compositor, ~50 ms at 5 000 points; a
  // Plotly.restyle recomputes every trace. The 2-D canvas takes a few ms. Reads Plotly's axes
  // and trace layers (internals): anything unexpected falls back to Plotly, for good.
  // ``colors``: each trace's new marker colours (one colour, or values on its colour axis).
  if (div.__alNoFast) return false;
  try {
    const layout = div._fullLayout;
    const gl = indices.some((i) => div._fullData[i].type === "scattergl");
    const items = indices.map((i, k) => {
      const trace = div._fullData[i];
      const color = colors ? colors[k] : trace.marker && trace.marker.color;
      let fill = color;
      if (trace.mode.includes("markers") && typeof color !== "string") {
        const axis = layout[trace.marker.coloraxis];
        if (!axis || !ArrayBuffer.isView(color) || !Number.isFinite(axis.cmin + axis.cmax)) {
          throw new Error("markers of one colour, or values on a colour axis with set limits");
        }
        // A point of no value (NaN) is drawn as Plotly draws it: the overlay leaves it to Plotly.
        if (color.some((v, q) => Number.isNaN(v) && Number.isFinite(xs[k][q]))) return null;
        fill = { values: color, axis };
      }
      if ((trace.type === "scattergl") !== gl || !["scatter", "scattergl"].includes(trace.type)) {
        throw new Error("scatter or scattergl traces, not both");
      }
      const xa = layout[trace.xaxis.replace("x", "xaxis")];
      const ya = layout[trace.yaxis.replace("y", "yaxis")];
      if (!xa || !ya || xa.type !== "linear" || !["linear", "log"].includes(ya.type)) {
        throw new Error("axes");
      }
      return { trace, xa, ya, x: xs[k], y: ys[k], fill };
    });
    if (items.includes(null)) {
      endOverlay(div);
      return false;
    }
    // WebGL draws all its traces in one canvas: all of them move to the overlay. SVG traces
    // hide one by one.
    const hidden = [];
    if (gl) {
      layout._glcanvas.each(function () { hidden.push(this); });
    } else {
      for (const g of div.querySelectorAll("g.trace")) {
        const cd = g.__data__;
        if (cd && cd[0] && cd[0].trace && indices.includes(cd[0].trace.index)) hidden.push(g);
      }
    }
    if (gl && div._fullData.some((t, i) => !indices.includes(i))) throw new Error("all traces");
    const canvas = overlayCanvas(div, layout, gl);
    const ctx = canvas.getContext("2d");
    const ratio = canvas.width / layout.width;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    // The leading traces of small opaque dots go straight into the canvas's pixels (a path of
    // thousands of dots costs more to paint than all the rest); the others are drawn on top.
    let first = 0;
    while (first < items.length && pixelDots(items[first])) first++;
    if (first > 0) writeDots(ctx, canvas, items.slice(0, first), ratio);
    for (const { trace, xa, ya, x, y, fill } of items.slice(first)) {
      drawTrace(ctx, trace, xa, ya, x, y, fill);
    }
    if (div.__alHidden !== hidden.length) {
      // Style writes only when the overlay comes and goes: each one costs a style pass.
      endOverlay(div);
      for (const node of hidden) node.style.visibility = "hidden";
      canvas.style.visibility = "visible";
      div.__alHiddenNodes = hidden;
      div.__alHidden = hidden.length;
    }
    return true;
  } catch (error) {
    div.__alNoFast = true;
    endOverlay(div);
    console.warn("live chart: Plotly from now on", error);
    return false;
  }
}

function overlayCanvas(div, layout, gl) {
  // One canvas the size of the figure, over the traces, under the hover labels and legend: in
  // Plotly's WebGL layer, or after the SVG that holds the traces.
  const ratio = window.devicePixelRatio || 1;
  let canvas = div.__alOverlay;
  if (!canvas || !canvas.isConnected) {
    canvas = div.__alOverlay = document.createElement("canvas");
    canvas.className = "al-live-overlay";
    canvas.style.cssText = "position:absolute;left:0;top:0;pointer-events:none;";
    if (gl) layout._glcontainer.node().appendChild(canvas);
    else layout._paperdiv.node().insertBefore(canvas, layout._toppaper.node());
  }
  const width = Math.round(layout.width * ratio), height = Math.round(layout.height * ratio);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = layout.width + "px";
    canvas.style.height = layout.height + "px";
  }
  return canvas;
}

function drawTrace(ctx, trace, xa, ya, x, y, fill) {
  // Markers (filled or open circles) and lines as Plotly's scattergl draws them, clipped to
  // the trace's subplot.
  if (trace.visible !== true) return;
  const px = (v) => xa._offset + xa.c2p(v), py = (v) => ya._offset + ya.c2p(v);
  ctx.save();
  ctx.beginPath();
  ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
  ctx.clip();
  ctx.globalAlpha = trace.opacity === undefined ? 1 : trace.opacity;
  if (trace.mode.includes("lines")) {
    ctx.beginPath();
    let open = false;
    for (let q = 0; q < x.length; q++) {
      if (!Number.isFinite(x[q]) || !Number.isFinite(y[q])) {
        open = false;
        continue;
      }
      if (open) ctx.lineTo(px(x[q]), py(y[q]));
      else ctx.moveTo(px(x[q]), py(y[q]));
      open = true;
    }
    ctx.strokeStyle = trace.line.color;
    ctx.lineWidth = trace.line.width;
    ctx.lineJoin = "round";
    ctx.setLineDash(dashPattern(trace.line.dash, trace.line.width));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (trace.mode.includes("markers")) {
    const marker = trace.marker;
    const radius = marker.size / 2;
    const open = String(marker.symbol).endsWith("-open");
    ctx.globalAlpha *= marker.opacity === undefined ? 1 : marker.opacity;
    if (typeof fill === "object") {
      drawColouredMarkers(ctx, fill, radius, x, y, px, py);
      ctx.restore();
      return;
    }
    const outline = (marker.line && marker.line.width) || 0;
    if (open) {
      // One stroke per ring: where translucent rings overlap they darken, as in Plotly.
      ctx.strokeStyle = fill;
      ctx.lineWidth = outline || 1;
      for (let q = 0; q < x.length; q++) {
        if (!Number.isFinite(x[q]) || !Number.isFinite(y[q])) continue;
        ctx.beginPath();
        circle(ctx, px(x[q]), py(y[q]), radius);
        ctx.stroke();
      }
      ctx.restore();
      return;
    }
    ctx.beginPath();
    for (let q = 0; q < x.length; q++) {
      if (!Number.isFinite(x[q]) || !Number.isFinite(y[q])) continue;
      dot(ctx, px(x[q]), py(y[q]), radius);
    }
    ctx.fillStyle = fill;
    ctx.fill();
    if (outline && typeof marker.line.color === "string") {
      ctx.strokeStyle = marker.line.color;
      ctx.lineWidth = outline;
      ctx.stroke();
    }
  }
  ctx.restore();
}

const COLOUR_STEPS = 128; // colour-axis values are drawn in this many shades

function drawColouredMarkers(ctx, fill, radius, x, y, px, py) {
  // Filled dots coloured by their values on a colour axis, one path per shade.
  const shades = colourSteps(fill);
  const paths = new Map();
  for (let q = 0; q < x.length; q++) {
    if (!Number.isFinite(x[q]) || !Number.isFinite(y[q])) continue;
    const colour = shades(q);
    if (!paths.has(colour)) paths.set(colour, new Path2D());
    dot(paths.get(colour), px(x[q]), py(y[q]), radius);
  }
  for (const [colour, path] of paths) {
    ctx.fillStyle = colour;
    ctx.fill(path);
  }
}

function pixelDots({ trace }) {
  // A trace of dots small enough to paint as squares, fully opaque, and nothing else.
  const marker = trace.marker;
  return (
    trace.visible === true &&
    trace.mode === "markers" &&
    !String(marker.symbol).endsWith("-open") &&
    !(marker.line && marker.line.width) &&
    marker.size / 2 <= SQUARE_DOTS &&
    (trace.opacity === undefined ? 1 : trace.opacity) === 1 &&
    (marker.opacity === undefined ? 1 : marker.opacity) === 1
  );
}

function pixelColour(ctx, colour) {
  // A CSS colour as one little-endian RGBA pixel (what a Uint32Array over ImageData holds).
  const cache = (window.__alPixelColours = window.__alPixelColours || new Map());
  if (!cache.has(colour)) {
    ctx.fillStyle = "#000000";
    ctx.fillStyle = colour; // the canvas parses it: "#rrggbb" or "rgba(r, g, b, a)"
    const parsed = ctx.fillStyle;
    let rgba;
    if (parsed.startsWith("#")) {
      rgba = [1, 3, 5].map((i) => parseInt(parsed.slice(i, i + 2), 16)).concat(255);
    } else {
      const parts = parsed.slice(parsed.indexOf("(") + 1, -1).split(",").map(Number);
      rgba = [parts[0], parts[1], parts[2], Math.round(255 * (parts[3] ?? 1))];
    }
    cache.set(colour, ((rgba[3] << 24) | (rgba[2] << 16) | (rgba[1] << 8) | rgba[0]) >>> 0);
  }
  return cache.get(colour);
}

function writeDots(ctx, canvas, items, ratio) {
  // Each point a square of device pixels, in trace order, clipped to its subplot.
  const width = canvas.width, height = canvas.height;
  let image = canvas.__alImage;
  if (!image || image.width !== width || image.height !== height) {
    image = canvas.__alImage = ctx.createImageData(width, height);
  }
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(0);
  for (const { trace, xa, ya, x, y, fill } of items) {
    const side = Math.max(Math.round(trace.marker.size * ratio), 1);
    const left = Math.max(Math.round(xa._offset * ratio), 0);
    const right = Math.min(Math.round((xa._offset + xa._length) * ratio), width);
    const top = Math.max(Math.round(ya._offset * ratio), 0);
    const bottom = Math.min(Math.round((ya._offset + ya._length) * ratio), height);
    const shades = typeof fill === "object" ? colourSteps(fill) : null;
    const one = shades ? 0 : pixelColour(ctx, fill);
    for (let q = 0; q < x.length; q++) {
      if (!Number.isFinite(x[q]) || !Number.isFinite(y[q])) continue;
      const x0 = Math.round((xa._offset + xa.c2p(x[q])) * ratio - side / 2);
      const y0 = Math.round((ya._offset + ya.c2p(y[q])) * ratio - side / 2);
      const colour = shades ? pixelColour(ctx, shades(q)) : one;
      for (let r = Math.max(y0, top); r < Math.min(y0 + side, bottom); r++) {
        const row = r * width;
        for (let c = Math.max(x0, left); c < Math.min(x0 + side, right); c++) pixels[row + c] = colour;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
}

function colourSteps(fill) {
  // Point q's colour: its value on the colour axis (its colorscale between cmin and cmax,
  // values outside clamped, as Plotly does), in COLOUR_STEPS shades.
  const { values, axis } = fill;
  const span = axis.cmax - axis.cmin;
  const shades = (axis.__alShades = axis.__alShades || new Map());
  return (q) => {
    const u = Math.min(Math.max((values[q] - axis.cmin) / span, 0), 1);
    const step = Math.round((axis.reversescale ? 1 - u : u) * (COLOUR_STEPS - 1));
    if (!shades.has(step)) shades.set(step, colourAt(axis.colorscale, step / (COLOUR_STEPS - 1)));
    return shades.get(step);
  };
}

function circle(path, cx, cy, radius) {
  path.moveTo(cx + radius, cy);
  path.arc(cx, cy, radius, 0, 2 * Math.PI);
}

const SQUARE_DOTS = 1.75; // px: a filled dot this small paints as a square (2x faster)

function dot(path, cx, cy, radius) {
  // A filled marker. Dots of ≤ 3.5 px (Warp draws them from ~4 000 points up) look the same
  // as squares once antialiased, and paint twice as fast: 13 → 26 frames/s with both of
  // Warp's charts in view at 5 000 points.
  if (radius <= SQUARE_DOTS) path.rect(cx - radius, cy - radius, 2 * radius, 2 * radius);
  else circle(path, cx, cy, radius);
}

function colourAt(scale, t) {
  // A Plotly colorscale ([[position, colour], ...]) at ``t`` in [0, 1], interpolated in RGB.
  const rgb = (colour) => {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    if (hex) return hex.slice(1, 4).map((h) => parseInt(h, 16));
    const parts = /rgba?\(([^)]*)\)/.exec(colour);
    if (!parts) throw new Error("colour " + colour);
    return parts[1].split(",").slice(0, 3).map(Number);
  };
  let k = 1;
  while (k < scale.length - 1 && scale[k][0] < t) k++;
  const [p0, c0] = scale[k - 1], [p1, c1] = scale[k];
  const w = p1 > p0 ? Math.min(Math.max((t - p0) / (p1 - p0), 0), 1) : 0;
  const a = rgb(c0), b = rgb(c1);
  return "rgb(" + a.map((v, i) => Math.round(v + (b[i] - v) * w)).join(",") + ")";
}

function dashPattern(dash, width) {
  // Plotly's Drawing.dashStyle, as a canvas line dash.
  const w = Math.max(width, 3);
  const named = {
    solid: [],
    dot: [w, w],
    dash: [3 * w, 3 * w],
    longdash: [5 * w, 5 * w],
    dashdot: [3 * w, w, w, w],
    longdashdot: [5 * w, 2 * w, w, 2 * w],
  };
  if (!dash || named[dash]) return named[dash || "solid"];
  return String(dash).split(/[ ,]+/).map((part) => parseFloat(part) * (part.endsWith("%") ? width / 100 : 1));
}

function endOverlay(div) {
  // Plotly's own drawing is back: what hid shows again, the overlay hides.
  if (!div.__alHidden) return;
  for (const node of div.__alHiddenNodes || []) node.style.visibility = "";
  if (div.__alOverlay) div.__alOverlay.style.visibility = "hidden";
  div.__alHidden = 0;
  div.__alHiddenNodes = null;
}

function widened(range, factor) {
  const mid = (range[0] + range[1]) / 2, half = ((range[1] - range[0]) / 2) * factor;
  return [mid - half, mid + half];
}

function fits(wanted, now) {
  // The wanted range lies inside the current one and spans at least a third of it.
  const inside = wanted[0] >= now[0] && wanted[1] <= now[1];
  return inside && wanted[1] - wanted[0] >= (now[1] - now[0]) / 3;
}

function activeFrame(div, data) {
  // The stage the chart's own slider shows (Plotly keeps it in the full layout).
  const full = div._fullLayout && div._fullLayout.sliders && div._fullLayout.sliders[0];
  const slider = full || (div.layout && div.layout.sliders && div.layout.sliders[0]);
  const active = slider && Number.isInteger(slider.active) ? slider.active : data.last;
  return Math.min(Math.max(active, 0), data.last);
}

function liveWarpAnimation(Plotly, div, data, live, dyn) {
  const points = data.__points || (data.__points = decodeArray(data.points));
  const results = sideResults(data, live, dyn, points);
  const k = activeFrame(div, data);
  const shown = data.panels.map((panel) => frameOf(results[panel.side], k, data.steps));
  const ranges = data.panels.map((panel) => results[panel.side].stages);
  restyleWarp(Plotly, div, data, results, shown, ranges);
  refreshFrames(div, data, results);
  if (data.counts) throttled(div, () => liveCounts(data.counts, data, live, dyn));
}

function throttled(div, write) {
  // Tables and metrics are page text: each rewrite makes the browser lay the page out again,
  // which costs more than the chart's frame. Rewritten at most every 150 ms, and the last
  // values always.
  const now = performance.now();
  clearTimeout(div.__alTextTimer);
  if (!div.__alTextAt || now - div.__alTextAt >= 150) {
    div.__alTextAt = now;
    write();
  } else {
    div.__alTextTimer = setTimeout(() => {
      div.__alTextAt = performance.now();
      write();
    }, 150 - (now - div.__alTextAt));
  }
}

function refreshFrames(div, data, results) {
  // The Play button and the stage slider animate Plotly frames: once the hand rests, rewrite
  // them for the values shown (the server's figure replaces them after the rerun).
  clearTimeout(div.__alFrameTimer);
  div.__alFrameTimer = setTimeout(() => {
    const frames = div._transitionData && div._transitionData._frames;
    if (!frames || !frames.length) return;
    const markedBySide = data.sat ? results.map(marks) : [];
    frames.forEach((frame, k) => {
      const byPanel = data.panels.map((panel) => frameOf(results[panel.side], k, data.steps));
      data.traces.forEach((trace, t) => {
        if (!frame.data || !frame.data[t]) return;
        let order = trace.__order;
        if (trace.ring) {
          const marked = markedBySide[data.panels[trace.panel].side];
          const chosen = [];
          for (let i = 0; i < marked.length; i++) if (marked[i]) chosen.push(i);
          order = Int32Array.from(chosen);
        }
        const [x, y] = gather(byPanel[trace.panel], order);
        frame.data[t].x = x;
        frame.data[t].y = y;
      });
    });
  }, 150);
}

function liveWarpStages(Plotly, div, data, live, dyn) {
  const points = data.__points || (data.__points = decodeArray(data.points));
  const results = sideResults(data, live, dyn, points);
  const shown = data.panels.map((panel) => results[panel.side].stages[panel.stage]);
  restyleWarp(Plotly, div, data, results, shown, shown.map((a) => [a]));
}

// --- Warp's counts and metrics, on every point ---

function liveCounts(counts, data, live, dyn) {
  const points = counts.__points || (counts.__points = decodeArray(counts.points));
  const labels = counts.__labels || (counts.__labels = decodeArray(counts.labels));
  const results = sideResults(data, live, dyn, points);
  const groups = counts.groups;
  results.forEach((result, s) => {
    const y = result.stages[5];
    const g = result.grad;
    const n = labels.length;
    // rows: groups then all; columns: size, kept, axis, origin, undefined, marked
    const table = Array.from({ length: groups + 1 }, () => [0, 0, 0, 0, 0, 0]);
    let unit = 0, centred = 0;
    const jac = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = y[2 * i], b = y[2 * i + 1];
      const row = table[labels[i]];
      row[0]++;
      let fate;
      if (!Number.isFinite(a) || !Number.isFinite(b)) fate = 3;
      else fate = (a === 0 ? 1 : 0) + (b === 0 ? 1 : 0);
      row[1 + fate]++;
      const ga = Math.abs(g[2 * i]), gb = Math.abs(g[2 * i + 1]);
      if (ga < result.eps || gb < result.eps) row[5]++;
      if (a > 0 && a < 1 && b > 0 && b < 1) unit++;
      if (Math.abs(a) < 1 && Math.abs(b) < 1) centred++;
      jac[i] = Math.abs(g[2 * i] * g[2 * i + 1] * result.det);
    }
    for (let r = 0; r < groups; r++) for (let c = 0; c < 6; c++) table[groups][c] += table[r][c];
    writeCounts(counts, s, table);
    const all = table[groups];
    const share = (k) => (n ? k / n : NaN);
    jac.sort();
    const finite = jac.filter((v) => v === v);
    const median = !n ? NaN : n % 2 ? jac[(n - 1) / 2] : (jac[n / 2 - 1] + jac[n / 2]) / 2;
    const values = {
      detw: formatG(result.det, 4),
      axis: formatPercent(share(all[2])),
      origin: formatPercent(share(all[3])),
      unit: formatPercent(share(unit)),
      centred: formatPercent(share(centred)),
      area: Number.isFinite(median) && finite.length === n ? formatG(median, 3) + "×" : "—",
    };
    writeMetrics(counts, s, values);
  });
}

function writeCounts(counts, side, table) {
  const box = document.querySelector(".st-key-warp-counts-" + side);
  if (!box) return;
  const rows = box.querySelectorAll("table tbody tr");
  table.forEach((row, r) => {
    const cells = rows[r] ? rows[r].querySelectorAll("td") : [];
    counts.columns.forEach((column, c) => {
      if (!cells[c]) return;
      const k = row[column];
      const total = row[0];
      const text =
        counts.of.replace("{n}", formatCount(k)).replace("{total}", formatCount(total)) +
        (total ? " (" + formatPercent(k / total) + ")" : "");
      if (cells[c].textContent !== text) cells[c].textContent = text;
    });
  });
}

function writeMetrics(counts, side, values) {
  const box = document.querySelector(".st-key-warp-metrics-" + side);
  if (!box) return;
  const cells = box.querySelectorAll("[data-testid='stMetricValue']");
  (counts.metrics[side] || []).forEach((name, i) => {
    if (cells[i] && values[name] !== undefined) {
      const leaf = cells[i].querySelector("div") || cells[i];
      if (leaf.textContent !== values[name]) leaf.textContent = values[name];
    }
  });
}

const LIVE = {
  curves: liveCurves,
  "warp-animation": liveWarpAnimation,
  "warp-stages": liveWarpStages,
};

function followWidth(div) {
  // Plotly's "responsive" config follows window resizes only; the column also changes width
  // when the sidebar opens or closes.
  if (div.__widthObserver) return;
  let pending = false;
  div.__widthObserver = new ResizeObserver(() => {
    if (pending || !window.Plotly || !div.dataset.drawn) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      // A chart hidden for the moment (its placeholder being replaced) has no size to follow.
      if (!div.isConnected || div.clientWidth === 0) return;
      Promise.resolve(window.Plotly.Plots.resize(div)).catch(() => {});
    });
  });
  div.__widthObserver.observe(div);
}

export default function (component) {
  const { parentElement } = component;
  const data = component.data instanceof Uint8Array
    ? JSON.parse(new TextDecoder().decode(component.data))
    : component.data;
  if (data.preload) {
    const container = parentElement.closest(".stElementContainer");
    if (container) container.style.display = "none";
    loadPlotly(data.preload).catch(() => {}); // the chart retries and says so
    return undefined;
  }
  if (data.live) {
    // The live data's element: it changes rarely, so reruns resend it as a cached reference.
    chartStore()[data.chart] = data.live;
    const container = parentElement.closest(".stElementContainer");
    if (container) container.style.display = "none";
    return () => {
      if (chartStore()[data.chart] === data.live) delete chartStore()[data.chart];
    };
  }
  const { meta, figure } = data;
  clearTimeout(parentElement.__alStaleTimer); // a newer figure replaces one waiting to be drawn
  if (!document.getElementById("al-chart-css")) {
    const style = document.createElement("style");
    style.id = "al-chart-css";
    style.textContent = meta.css;
    document.head.appendChild(style);
  }
  let div = parentElement.querySelector(".al-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "al-live-chart al-chart";
    parentElement.appendChild(div);
  }
  div.style.minHeight = meta.height + "px";
  followWidth(div);
  watchVisibility(div);
  div.dataset.chart = meta.chart;
  // The values this figure was made for, and what the controls show now (a slider being
  // dragged shows a newer value than the figure's): a figure for other values is stale.
  div.__alControls = meta.controls || {};
  div.__alDynamic = meta.dynamic;
  div.__alValues = { state: meta.state || {}, live: controlValues(meta) };
  // Charts draw one after another, each painted before the next starts: a page's first chart
  // shows its new figure without waiting for the (WebGL) work of the charts below it.
  window.__activationLabDraws = (window.__activationLabDraws || Promise.resolve())
    .then(() => loadPlotly(meta.plotly_src))
    .then((Plotly) => {
      const draw = () => {
        // Pending touch-ups of a live frame belong to the figure being replaced.
        clearTimeout(div.__alExactTimer);
        clearTimeout(div.__alFrameTimer);
        clearTimeout(div.__alTextTimer);
        figure.config = activationLabCameraConfig(Plotly, meta.config, meta.camera);
        div.dataset.drawn = "1";
        return Plotly.react(div, figure).then(() => {
          endOverlay(div);
          if (stale(div)) scheduleFrame(div); // the hand moved on while this figure was made
        });
      };
      if (div.dataset.drawn && stale(div)) {
        // A newer rerun should follow. If none does (the values were set by the app, e.g. a
        // "Show me" button, and the widgets showed their old values when this figure came),
        // the server's figure is the truth once the hand has rested.
        drawWhenIdle(div, figure, draw);
        return undefined;
      }
      return draw();
    })
    .then(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
    .catch((error) => {
      div.textContent = String(error);
    });
  return Object.keys(meta.controls || {}).length ? watchControls(div) : undefined;
}
