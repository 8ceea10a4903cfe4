// Page-wide helpers, mounted once per run by ui/shortcuts.py (no chart or page code here):
// 1. Keyboard shortcuts: Alt+T Train, Alt+S Stop, Alt+P Play/Pause of the first animated chart.
//    They find their button by its Streamlit key class (st-key-<key>), so a page only has to
//    give its button that key. Ignored while typing in a field.
// 2. Accessible names: every chart container gets role="figure" and an aria-label, from the
//    figure's title, else the name ui/export.show_chart gives it (in its camera options), else
//    its panel titles.
// 3. Light or dark: when the page's background and the server's idea of the theme disagree
//    (the user switched theme in Settings, or the first run did not know it yet), report the
//    real one, which reruns the page with charts in the matching template.

const AL = (window.__activationLab = window.__activationLab || {});

function pageTheme() {
  const app = document.querySelector(".stApp") || document.body;
  const rgb = (getComputedStyle(app).backgroundColor.match(/[\d.]+/g) || [255, 255, 255]).map(Number);
  const luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
  return luminance < 0.5 ? "dark" : "light";
}

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest("input, textarea, select, [contenteditable]") !== null;
}

function playToggle() {
  const charts = Array.from(document.querySelectorAll(".js-plotly-plot")).filter(
    (gd) => gd.querySelector(".updatemenu-button") && gd.offsetParent !== null,
  );
  const gd = charts[0];
  if (!gd) return false;
  const buttons = gd.querySelectorAll(".updatemenu-button");
  const queue = gd._transitionData && gd._transitionData._frameQueue;
  const playing = Boolean(gd._transitioning || (queue && queue.length) || AL.playing === gd);
  const button = buttons[playing && buttons.length > 1 ? 1 : 0];
  AL.playing = playing ? null : gd;
  if (!gd.__alWatchingEnd && gd.on) {
    gd.__alWatchingEnd = true;
    gd.on("plotly_animated", () => {
      if (AL.playing === gd) AL.playing = null;
    });
  }
  button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  return true;
}

function onKey(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
  if (typing(event.target)) return;
  const shortcut = (AL.shortcuts || []).find((s) => s.code === event.code);
  if (!shortcut) return;
  let done = false;
  if (shortcut.action === "play") {
    done = playToggle();
  } else {
    const button = document.querySelector(`.${shortcut.target} button`);
    if (button && !button.disabled) {
      button.click();
      done = true;
    }
  }
  if (done) event.preventDefault();
}

function plainText(html) {
  const div = document.createElement("div");
  div.innerHTML = String(html || "").replace(/<br\s*\/?>/gi, " ");
  return (div.textContent || "").trim();
}

function nameCharts() {
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    const layout = gd.layout || {};
    const title = layout.title && (typeof layout.title === "string" ? layout.title : layout.title.text);
    // Charts drawn without ui/export.show_chart and without a title: their panel titles.
    const panels = (layout.annotations || []).map((a) => plainText(a.text)).filter(Boolean);
    const given = ((gd._context || {}).toImageButtonOptions || {}).accessibleName;
    const name = plainText(title || given) || panels.slice(0, 3).join(" · ");
    const holder = gd.closest(".al-live-chart") || gd;
    if (name && holder.getAttribute("aria-label") !== name) {
      holder.setAttribute("role", "figure");
      holder.setAttribute("aria-label", name);
    }
  }
  for (const shortcut of AL.shortcuts || []) {
    if (!shortcut.target) continue;
    const button = document.querySelector(`.${shortcut.target} button`);
    if (button && button.getAttribute("aria-keyshortcuts") !== shortcut.keys) {
      button.setAttribute("aria-keyshortcuts", shortcut.keys);
      if (!button.title) button.title = shortcut.keys;
    }
  }
}

function watchPage() {
  if (AL.observer) return;
  let pending = false;
  AL.observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      nameCharts();
      if (AL.checkTheme) AL.checkTheme();
    });
  });
  AL.observer.observe(document.body, { childList: true, subtree: true });
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("plotly_afterplot", nameCharts, true);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const container = parentElement.closest(".stElementContainer");
  if (container) container.style.display = "none";
  AL.shortcuts = data.shortcuts;
  AL.checkTheme = () => {
    const theme = pageTheme();
    if (theme !== data.theme && AL.sentTheme !== theme + "|" + data.theme) {
      AL.sentTheme = theme + "|" + data.theme;
      setTriggerValue("theme", theme);
    }
  };
  watchPage();
  nameCharts();
  AL.checkTheme();
}
