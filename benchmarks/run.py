"""Explorer benchmarks: how long a slider move takes on the kernel side.

    python benchmarks/run.py [--json FILE] [--quick] [--only NAME ...] [--no-notebooks]

Prints numbers; never asserts on them.

PROTOCOL for case files
=======================
run.py imports every ``benchmarks/cases_*.py``. Each module exposes:

``CASES``: a list of objects (any class; duck-typed) with

* ``name`` (str): the row label;
* ``make()``: returns a fresh ``cramp_lessons.widgets.base.Explorer``. Give it fresh
  caches: the first visit of each value is only honest if nothing is left over from a
  previous explorer;
* ``variations``: list of ``(control_name, values)``; ``control_name`` is a key of
  ``explorer.controls``; ``values`` are set one by one (50 or more; a value equal to the
  current one is skipped because it would fire no observer);
* ``baseline`` (optional, may be None): does what one update does "the straightforward
  way", without our tricks (rebuild the figure, plain Python loops, scipy's solve_ivp...).
  Either of two forms:

  - an object with ``run(control, value)`` (it keeps its own state of the other controls);
  - a callable ``baseline(**values)`` taking all control values after the change (the
    other controls as the timed explorer has them).

  Optional attributes on either: ``name`` (label), ``samples`` / ``quick_samples`` (how
  many values to time, default 10 / 3; baselines may be slow), ``prepare()`` (run once,
  untimed, before timing);
* ``notes`` (optional str).

``REPORTS`` (optional): callables ``report(quick: bool) -> dict`` with a ``"title"`` and a
``"text"`` to print; the whole dict goes into the JSON.

WHAT IS TIMED
=============
One update = ``explorer.controls[name].value = v``: the observer runs, the model computes,
trace data are replaced in ``figure.batch_update()``, the summary is rewritten, and every
resulting comm message is JSON-encoded as ipykernel would (a comm that packs messages with
``jupyter_client.session.json_packer`` and copies binary buffers is installed first). Not
included: the socket send and the browser drawing the plot.

* ``first``: the first time a value is set on an explorer (``make()`` is called again
  whenever the values run out, so each sample is a first visit). Cold where caching applies.
* ``repeat``: values set again on the same explorer. Warm where caching applies.
* ``make``: building the explorer (``make()``), cold caches; the very first FigureWidget
  of the process (plotly's widget start-up) is timed separately beforehand.
* ``KB/upd``: median size of the comm messages one update produces (JSON + buffers).
* ``baseline``: median of ``baseline(**values)`` over the first values of the variation,
  and the ratio baseline / ``first`` median (and / ``repeat``).

Also reported: ``import cramp_lessons`` in a fresh interpreter (median of several), and
``notebook_times()`` runs every ``notebooks/*.ipynb`` with nbclient (skipped when none).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


# -- comm that serialises like a kernel -------------------------------------------------------


class _Counter:
    messages = 0
    bytes = 0


def install_serializing_comm() -> None:
    """Make every widget comm JSON-encode its messages (and copy buffers) like ipykernel."""
    import comm
    from comm.base_comm import BaseComm

    try:
        from jupyter_client.session import json_packer
    except ImportError:  # pragma: no cover

        def json_packer(obj):
            return json.dumps(obj, default=str).encode()

    class SerializingComm(BaseComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            content = dict(data=data or {}, comm_id=self.comm_id, **keys)
            packed = json_packer({"msg_type": msg_type, "content": content, "metadata": metadata or {}})
            size = len(packed)
            for b in buffers or []:
                size += len(bytes(b))
            _Counter.messages += 1
            _Counter.bytes += size

    comm.create_comm = lambda *a, **k: SerializingComm(*a, **k)


# -- helpers ----------------------------------------------------------------------------------


def _ms(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "max": float("nan")}
    s = sorted(samples)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return {"n": len(s), "median": 1000 * statistics.median(s), "p95": 1000 * p95, "max": 1000 * s[-1]}


def _same(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return a == b


def load_case_modules(only: list[str] | None = None) -> list[Any]:
    mods = []
    for path in sorted(HERE.glob("cases_*.py")):
        spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        mods.append(mod)
    return mods


def time_variation(case: Any, control: str, values: list, n_min: int) -> tuple[dict[str, Any], Any]:
    first: list[float] = []
    repeat: list[float] = []
    makes: list[float] = []
    sent: list[int] = []  # bytes of comm messages per update
    ex = None
    seen: list = []

    def set_value(w: Any, v: Any, into: list[float]) -> None:
        b0 = _Counter.bytes
        t0 = time.perf_counter()
        w.value = v
        into.append(time.perf_counter() - t0)
        sent.append(_Counter.bytes - b0)

    while len(first) < n_min:
        t0 = time.perf_counter()
        ex = case.make()
        makes.append(time.perf_counter() - t0)
        w = ex.controls[control]
        seen = [w.value]
        added = 0
        for v in values:
            if any(_same(v, s) for s in seen):
                continue
            set_value(w, v, first)
            seen.append(v)
            added += 1
            if len(first) >= n_min:
                break
        if added == 0:
            break
    # repeats: values already visited on the last explorer, in the variation's order
    w = ex.controls[control]
    again = [v for v in values if any(_same(v, s) for s in seen)]
    i = 0
    while len(repeat) < n_min and len(again) > 1:
        v = again[i % len(again)]
        i += 1
        if _same(v, w.value):
            continue
        set_value(w, v, repeat)
    kb = statistics.median(sent) / 1024 if sent else 0.0
    return (
        {
            "first": _ms(first),
            "repeat": _ms(repeat),
            "make": _ms(makes),
            "kb_per_update": kb,
            "summary": ex.summary(),
        },
        ex,
    )


def baseline_name(case: Any) -> str | None:
    b = getattr(case, "baseline", None)
    if b is None:
        return None
    return getattr(b, "name", None) or getattr(b, "__name__", None) or type(b).__name__


def time_baseline(
    case: Any, control: str, values: list, quick: bool, explorer: Any
) -> dict[str, float] | None:
    """Median of ``baseline(**values)`` with ``control`` set to the first values of its list
    and the other controls as the explorer has them."""
    b = getattr(case, "baseline", None)
    if b is None:
        return None
    n = getattr(b, "quick_samples", 3) if quick else getattr(b, "samples", 10)
    if getattr(b, "prepare", None) is not None:
        b.prepare()
    state = explorer.values()
    run = getattr(b, "run", None)
    out = []
    for v in values[:n]:
        kwargs = {**state, control: v}
        t0 = time.perf_counter()
        if callable(run):
            run(control, v)
        else:
            b(**kwargs)
        out.append(time.perf_counter() - t0)
    return _ms(out)


def import_time(repeats: int = 7, module: str = "cramp_lessons") -> dict[str, float]:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = []
    for _ in range(repeats):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
        out.append(float(r.stdout.strip().splitlines()[-1]))
    return _ms(out)


def notebook_times(directory: Path | str = ROOT / "notebooks", timeout: int = 600) -> list[dict[str, Any]]:
    """Execute every ``*.ipynb`` in ``directory`` (sorted) with nbclient; seconds each.

    Widget state is not stored (see DESIGN.md). Returns [] when there are no notebooks or
    nbclient is not installed. An error is reported in the row, not raised.
    """
    directory = Path(directory)
    paths = sorted(directory.glob("*.ipynb")) if directory.is_dir() else []
    if not paths:
        return []
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        return [{"notebook": str(p.name), "seconds": None, "error": "nbclient not installed"} for p in paths]
    rows = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(p.parent)}},
        )
        t0 = time.perf_counter()
        try:
            client.execute()
            err = None
        except Exception as e:  # noqa: BLE001 - report, do not stop the benchmark
            err = f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
        rows.append({"notebook": p.name, "seconds": time.perf_counter() - t0, "error": err})
    return rows


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--quick", action="store_true", help="fewer samples (smoke run; 20 per row)")
    ap.add_argument("--only", nargs="*", help="case names to run (default: all)")
    ap.add_argument("--no-notebooks", action="store_true", help="skip notebook execution")
    args = ap.parse_args(argv)
    n_min = 20 if args.quick else 50

    install_serializing_comm()
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "quick": args.quick,
        },
        "cases": [],
        "reports": [],
    }
    import numpy
    import plotly

    results["machine"].update(numpy=numpy.__version__, plotly=plotly.__version__)
    import plotly.graph_objects as go

    t0 = time.perf_counter()
    go.FigureWidget()
    results["first_figurewidget_ms"] = 1000 * (time.perf_counter() - t0)

    mods = load_case_modules()
    print(
        f"Explorer update times (ms, kernel side incl. comm-message encoding); "
        f"{n_min}+ values per row; {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"first FigureWidget in this process (plotly widget start-up, once per kernel): "
        f"{results['first_figurewidget_ms']:.0f} ms"
    )
    head = (
        f"{'case':<18} {'control':<13} {'first med':>9} {'p95':>7} {'repeat med':>10} {'p95':>7} "
        f"{'make med':>8} {'KB/upd':>7} {'baseline med':>12} {'x first':>8} {'x repeat':>8}"
    )
    print(head)
    print("-" * len(head))
    for mod in mods:
        for case in getattr(mod, "CASES", []):
            if args.only and case.name not in args.only:
                continue
            for control, values in case.variations:
                r, ex = time_variation(case, control, values, n_min)
                b = time_baseline(case, control, values, args.quick, ex)
                row = {
                    "case": case.name,
                    "control": control,
                    **r,
                    "baseline": b,
                    "baseline_name": baseline_name(case),
                    "notes": getattr(case, "notes", ""),
                }
                if b:
                    row["ratio_first"] = b["median"] / r["first"]["median"]
                    row["ratio_repeat"] = b["median"] / r["repeat"]["median"]
                results["cases"].append(row)
                bs = (
                    f"{b['median']:>12.2f} {row['ratio_first']:>7.0f}x {row['ratio_repeat']:>7.0f}x"
                    if b
                    else f"{'-':>12} {'-':>8} {'-':>8}"
                )
                print(
                    f"{case.name:<18} {control:<13} {r['first']['median']:>9.2f} {r['first']['p95']:>7.2f} "
                    f"{r['repeat']['median']:>10.2f} {r['repeat']['p95']:>7.2f} {r['make']['median']:>8.1f} "
                    f"{r['kb_per_update']:>7.1f} {bs}",
                    flush=True,
                )
    print()
    print("baselines:")
    seen = set()
    for row in results["cases"]:
        if row["baseline_name"] and row["case"] not in seen:
            seen.add(row["case"])
            print(f"  {row['case']}: {row['baseline_name']}")
    for mod in mods:
        if args.only and not any(c.name in args.only for c in getattr(mod, "CASES", [])):
            continue
        for report in getattr(mod, "REPORTS", []):
            rep = report(args.quick)
            results["reports"].append(rep)
            print()
            print(rep["title"])
            print(rep["text"])

    print()
    imp = import_time(3 if args.quick else 7)
    results["import_cramp_lessons_ms"] = imp
    print(
        f"import cramp_lessons (fresh interpreter): median {imp['median']:.1f} ms, max {imp['max']:.1f} ms "
        f"over {imp['n']}"
    )
    if args.no_notebooks:
        nbs = []
        print("notebooks: skipped (--no-notebooks)")
    else:
        nbs = notebook_times()
        if not nbs:
            print("notebooks: none found in notebooks/ (skipped)")
        for row in nbs:
            status = "ok" if not row.get("error") else row["error"]
            secs = "-" if row["seconds"] is None else f"{row['seconds']:.1f} s"
            print(f"notebook {row['notebook']:<40} {secs:>8}  {status}")
    results["notebooks"] = nbs
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=float))
        print(f"\nwrote {args.json}")
    return results


if __name__ == "__main__":
    main()
