"""Sliders with an accessible name: a native ``<input type="range">`` named by its ``<label>``.

ipywidgets 8's sliders draw a noUiSlider handle (``role="slider"``) that their description label is
not linked to, and they have no trait for an ARIA name, so a screen reader announces "slider" and a
number. A native range input gets its name from the label, and Tab, the arrow keys, Page Up/Down,
Home and End from the browser. With ``play_interval_ms`` the slider also has a Play/Pause button
that steps through its values in the browser (the kernel redraws each one).
"""

from __future__ import annotations

from decimal import Decimal

import anywidget
import traitlets

__all__ = ["Slider", "IntSlider", "FloatSlider"]

_ESM = """
function render({ model, el }) {
  const id = "cramp-slider-" + Math.random().toString(36).slice(2);
  const box = document.createElement("div");
  box.className = "cramp-slider";
  const label = document.createElement("label");
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  // The input already tells assistive technology its value: the visible readout is not read twice.
  const readout = document.createElement("span");
  readout.className = "cramp-slider-readout";
  readout.setAttribute("aria-hidden", "true");
  const fmt = (v) => Number(v).toFixed(model.get("decimals"));
  const set = (v) => {
    model.set("value", Number(fmt(v)));
    model.save_changes();
  };
  const sync = () => {
    label.textContent = model.get("description");
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = model.get("value");
    input.disabled = model.get("disabled");
    readout.textContent = fmt(model.get("value"));
  };
  input.addEventListener("input", () => set(input.value));
  // JupyterLab's notebook shortcuts (arrows, Enter, Space...) match any focused element in command mode
  // and cancel the key's own action: the controls opt out, as Lumino provides.
  input.dataset.lmSuppressShortcuts = "true";
  let timer = null;
  if (model.get("play_interval_ms") > 0) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jupyter-widgets jupyter-button widget-button";
    button.dataset.lmSuppressShortcuts = "true";
    button.textContent = "Play";
    const stop = () => {
      clearInterval(timer);
      timer = null;
      button.textContent = "Play";
    };
    button.addEventListener("click", () => {
      if (timer !== null) return stop();
      if (model.get("value") >= model.get("max")) set(model.get("min"));
      button.textContent = "Pause";
      timer = setInterval(() => {
        const next = model.get("value") + model.get("step");
        if (next > model.get("max")) stop();
        else set(next);
      }, model.get("play_interval_ms"));
    });
    box.append(button);
  }
  box.append(label, input, readout);
  el.append(box);
  // anywidget drops these listeners with the view; the timer is ours to stop.
  for (const n of ["value", "min", "max", "step", "description", "decimals", "disabled"]) model.on("change:" + n, sync);
  sync();
  return () => clearInterval(timer);
}
export default { render };
"""

_CSS = """
.cramp-slider { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 2px 0;
  font-size: var(--jp-widgets-font-size); color: var(--jp-widgets-label-color); }
.cramp-slider input[type="range"] { flex: 1 1 160px; min-width: 120px; margin: 0;
  accent-color: var(--jp-brand-color1); }
.cramp-slider .cramp-slider-readout { min-width: 3em; font-variant-numeric: tabular-nums; }
.cramp-slider button { width: auto; margin: 0; }
"""


class Slider(anywidget.AnyWidget):
    """What both sliders share: a label, a readout, and (while ``disabled``) no moving."""

    _esm = _ESM
    _css = _CSS
    description = traitlets.Unicode("").tag(sync=True)
    decimals = traitlets.Int().tag(sync=True)
    play_interval_ms = traitlets.Int(0).tag(sync=True)  # > 0: a Play/Pause button steps through the values
    disabled = traitlets.Bool(False).tag(sync=True)  # a checked quiz answer: shown, not moved

    @traitlets.default("decimals")
    def _decimals_of_step(self) -> int:  # the readout shows as many decimals as the step has
        exponent = Decimal(str(self.step)).normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0  # not an int only for NaN/inf

    @traitlets.validate("value")
    def _within_range(self, proposal):
        return min(max(proposal["value"], self.min), self.max)


class IntSlider(Slider):
    """``IntSlider(value=10, min=1, max=60, step=1, description="Firing rate (Hz)")``."""

    value = traitlets.CInt(0).tag(sync=True)
    min = traitlets.CInt(0).tag(sync=True)
    max = traitlets.CInt(100).tag(sync=True)
    step = traitlets.CInt(1).tag(sync=True)


class FloatSlider(Slider):
    """``FloatSlider(value=35.0, min=20.0, max=37.0, step=0.5, description="Temperature (°C)")``."""

    value = traitlets.CFloat(0.0).tag(sync=True)
    min = traitlets.CFloat(0.0).tag(sync=True)
    max = traitlets.CFloat(100.0).tag(sync=True)
    step = traitlets.CFloat(0.1).tag(sync=True)
