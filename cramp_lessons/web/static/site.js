/* Cramp Lessons website: draws the figures of a page with its one plotly.min.js (mounts.py). */
(function () {
  "use strict";

  function drawPlots() {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll("script.cramp-web-plot-data").forEach(function (data) {
      var el = data.nextElementSibling;
      if (!el || !el.classList.contains("cramp-web-plot") || el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var fig = JSON.parse(data.textContent);
      window.Plotly.newPlot(el, fig.data, fig.layout, {
        responsive: true,
        displaylogo: false,
        displayModeBar: false,
      }).then(function () {
        if (fig.frames && fig.frames.length) return window.Plotly.addFrames(el, fig.frames);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawPlots);
  } else {
    drawPlots();
  }
})();
