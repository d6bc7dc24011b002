/* Cramp Lessons website: draws the figures of a page with its one plotly.min.js (mounts.py).
 *
 * window.CrampSite: config (the plotly configuration of every figure) and whenDrawn(el), a promise
 * that the figure of a .cramp-web-plot element is drawn (explorers.js redraws it only after that). */
(function () {
  "use strict";

  var config = { responsive: true, displaylogo: false, displayModeBar: false };
  var drawn = new WeakMap();

  function drawPlots() {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll("script.cramp-web-plot-data").forEach(function (data) {
      var el = data.nextElementSibling;
      if (!el || !el.classList.contains("cramp-web-plot") || el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var fig = JSON.parse(data.textContent);
      drawn.set(
        el,
        window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
          if (fig.frames && fig.frames.length) return window.Plotly.addFrames(el, fig.frames);
        })
      );
    });
  }

  window.CrampSite = {
    config: config,
    whenDrawn: function (el) {
      drawPlots();
      return drawn.get(el) || Promise.resolve();
    },
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawPlots);
  } else {
    drawPlots();
  }
})();
