// The trace types Activation Lab's charts use (tests/test_plotly_bundle.py keeps this list and
// the charts in step). plotly.js's core brings scatter, the layout, frames and the modebar.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/contour'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattergl'),
]);

module.exports = Plotly;
