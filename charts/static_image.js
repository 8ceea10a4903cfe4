// The chart toolbar's camera button, for slides: it saves the figure only, as it is on screen.
// plotly.js's own button draws everything in the layout, the Play/Pause buttons and the frame
// slider of an animation included. This one draws a copy of the chart's current data and
// layout (the frame and zoom on screen) with the layout patch made by charts/export.py's
// static_layout_patch: no buttons, no slider, and the bottom margin they took given back.
// Shared by ui/live_chart.js and the standalone HTML files (charts/export.py's to_html).

function activationLabCopy(value) {
  try {
    return structuredClone(value);
  } catch (error) {
    return JSON.parse(JSON.stringify(value));
  }
}

function activationLabRecolour(node, colours, key) {
  // Colour strings under keys ending in "color" mapped by ``colours`` (lower-case keys): a
  // chart drawn dark, saved as a light picture (charts/export.py's camera()).
  if (typeof node === "string") {
    return key && key.endsWith("color") ? colours[node.toLowerCase()] || node : node;
  }
  if (Array.isArray(node)) return node.map((v) => activationLabRecolour(v, colours, key));
  if (node && typeof node === "object" && !ArrayBuffer.isView(node)) {
    for (const k of Object.keys(node)) {
      if (k !== "template") node[k] = activationLabRecolour(node[k], colours, k);
    }
  }
  return node;
}

function activationLabStaticFigure(gd, patch, recolour) {
  const layout = Object.assign(activationLabCopy(gd.layout), activationLabCopy(patch || {}));
  delete layout.updatemenus;
  delete layout.sliders;
  // The on-screen width (the chart follows its column), and the patched height if any.
  layout.width = gd._fullLayout.width;
  layout.height = (patch && patch.height) || gd._fullLayout.height;
  const data = activationLabCopy(gd.data);
  if (recolour) {
    activationLabRecolour(data, recolour, "");
    activationLabRecolour(layout, recolour, "");
  }
  return { data: data, layout: layout };
}

function activationLabCameraButton(Plotly, camera) {
  return {
    name: "static-image",
    attr: "static-image", // a stable handle for tests: the title is translated
    title: camera.title,
    icon: Plotly.Icons.camera,
    click: (gd) => {
      const options = Object.assign({ format: "png" }, gd._context.toImageButtonOptions || {});
      // A chart drawn dark saves a light picture unless the user chose "as on screen".
      const light = camera.light && options.exportTheme !== "screen" ? camera.light : null;
      const patch = light ? Object.assign({}, camera.patch, light.patch) : camera.patch;
      const figure = activationLabStaticFigure(gd, patch, light && light.recolour);
      return Plotly.downloadImage(figure, {
        format: options.format,
        filename: options.filename || "chart",
        scale: options.scale || 1,
        width: figure.layout.width,
        height: figure.layout.height,
      }).catch((error) => console.error("image export failed:", error));
    },
  };
}

function activationLabCameraConfig(Plotly, config, camera) {
  // The config with the camera button above in place of plotly.js's own one.
  const remove = (config.modeBarButtonsToRemove || []).concat(["toImage"]);
  return Object.assign({}, config, {
    modeBarButtonsToRemove: Array.from(new Set(remove)),
    modeBarButtonsToAdd: [activationLabCameraButton(Plotly, camera)],
  });
}
