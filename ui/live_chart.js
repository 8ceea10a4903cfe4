// A Plotly chart that stays mounted across reruns: new figures go through Plotly.react, which
// diffs instead of tearing the chart down (st.plotly_chart remounts on every new figure).
// Optional "links" tie a Streamlit slider to precomputed trace data, so moving that slider
// redraws the chart in the browser at once; the rerun that follows brings the same figure.

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
  // {dtype: "f4" | "f8", bdata: base64}, as plotly.py encodes NumPy arrays.
  const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
  return spec.dtype === "f8" ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
}

function sliderValue(widgetClass) {
  const input = document.querySelector("." + widgetClass + " input[type=range]");
  return input ? Number(input.value) : null;
}

function nearestIndex(values, value) {
  // Slider values arrive as decimal strings; match them to the precomputed grid with a
  // tolerance far below the slider step.
  let best = -1;
  let bestGap = Infinity;
  values.forEach((v, i) => {
    const gap = Math.abs(v - value);
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  });
  const scale = Math.max(1e-12, Math.abs(value), Math.abs(values[best] || 0));
  return bestGap <= 1e-9 * scale ? best : -1;
}

function applyLink(Plotly, div, link, value) {
  const index = nearestIndex(link.values, value);
  if (index < 0) return false;
  const update = { y: link.y[index].map((spec) => (spec.bdata ? decodeArray(spec) : spec)) };
  if (link.name) update.name = link.name[index];
  Plotly.restyle(div, update, link.traces);
  return true;
}

function stale(state) {
  // A figure made for other slider values than the page now shows: a newer rerun is coming.
  return Object.entries(state || {}).some(([widget, value]) => {
    const now = sliderValue(widget);
    return now !== null && Math.abs(now - value) > 1e-9 * Math.max(1, Math.abs(now));
  });
}

function linksOf(div) {
  return Object.values((window.__activationLabLinks || {})[div.dataset.chart] || {});
}

function onSliderMove(div, target) {
  if (!(target instanceof HTMLInputElement) || target.type !== "range" || !window.Plotly) return;
  for (const link of linksOf(div)) {
    if (target.closest("." + link.widget) && div.dataset.liveValue !== target.value) {
      applyLink(window.Plotly, div, link, Number(target.value));
      div.dataset.liveValue = target.value;
    }
  }
}

function watchSliders(div) {
  // Keyboard and pointer moves both end in React writing the input's value attribute; native
  // input events cover the rest. Registered once per chart, reading the newest links.
  if (div.__unwatch) return div.__unwatch;
  const onInput = (event) => onSliderMove(div, event.target);
  const observer = new MutationObserver((records) => {
    for (const record of records) onSliderMove(div, record.target);
  });
  observer.observe(document.body, {
    subtree: true,
    attributes: true,
    attributeFilter: ["value", "aria-valuetext"],
  });
  document.addEventListener("input", onInput, true);
  div.__unwatch = () => {
    observer.disconnect();
    document.removeEventListener("input", onInput, true);
    div.__unwatch = null;
  };
  return div.__unwatch;
}

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
  if (data.link) {
    // A link's store: its data changes rarely, so reruns resend it as a tiny cached reference.
    const store = (window.__activationLabLinks = window.__activationLabLinks || {});
    store[data.chart] = store[data.chart] || {};
    store[data.chart][data.link.widget] = data.link;
    const container = parentElement.closest(".stElementContainer");
    if (container) container.style.display = "none";
    return () => delete store[data.chart][data.link.widget];
  }
  const { meta, figure } = data;
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
  div.dataset.chart = meta.chart;
  // Charts draw one after another, each painted before the next starts: a page's first chart
  // shows its new figure without waiting for the (WebGL) work of the charts below it.
  window.__activationLabDraws = (window.__activationLabDraws || Promise.resolve())
    .then(() => loadPlotly(meta.plotly_src))
    .then((Plotly) => {
      if (div.dataset.drawn && stale(meta.state)) return undefined;
      figure.config = activationLabCameraConfig(Plotly, meta.config, meta.camera);
      div.dataset.drawn = "1";
      div.dataset.liveValue = "";
      return Plotly.react(div, figure);
    })
    .then(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
    .catch((error) => {
      div.textContent = String(error);
    });
  return Object.keys(meta.state).length ? watchSliders(div) : undefined;
}
