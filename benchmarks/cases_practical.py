"""Benchmark cases for the practical tools (planner, red-flag checker, cause finder, diary, routine).

Protocol: see the top of ``benchmarks/run.py``. These tools are not ``Explorer`` subclasses, so
each ``make()`` wraps its widget in :class:`Adapted`, which exposes the three things run.py
reads: ``controls`` (name -> object with a settable ``.value``), ``summary()`` and ``values()``.
run.py never touches a figure, so no change to run.py is needed.

What one update is, per tool (the time from the changed value to the tool's output replaced):

* planner, red flags, cause finder: a real ``Checkbox`` / ``Dropdown`` / ``Text`` of the tool;
  ``value = v`` runs its observer, which rebuilds the checklist / result HTML (and status).
  Checkbox values alternate True/False, so every set changes the value. A checkbox has two
  values, so each ``first`` sample is the first tick on a freshly made tool (``make()`` runs
  once per sample).
* diary, control ``add_entry``: a virtual control; ``value = (when, muscle, seconds, activity,
  helped)`` delivers the form fields as the front end would (``set_state``, echo included)
  and clicks "Add to diary": validate, store in SQLite, reset the form, rebuild the three
  charts in place (``batch_update``), the entry list and the summary. Every value is a new
  entry, so the diary grows by one per update (``first``: 0 -> 50 entries; ``repeat``: 50 -> 100).
  The diary lives in a fresh temporary ``ProgressStore`` per ``make()`` (the widget takes
  ``store=``); the user's own diary is never touched.
* routine, control ``tick``: a virtual control; ``value = t`` sets the injected fake clock to
  ``t`` seconds after the start of the acupressure routine's timed 30 s hold and calls
  ``refresh()``, which is what the background ticker calls every 0.25 s. Values are 0.25 s
  ticks from 20.25 s to 35 s, so the hold ends (step change, status rewritten) on the way.
  A clock never runs backwards, so when a value is lower than the last one (``repeat`` wraps
  round once) the adapter restarts the routine at the timed step first (logic only, one render).
  The ticker is a no-op (no thread), so nothing runs outside the timed call.

Baselines: the straightforward way, rebuilding the whole tool from scratch for each change by
calling its public factory again (``prevention_planner()``, ``red_flag_checker()``,
``cause_finder()``, ``cramp_diary()``, ``relief_routine()``) and bringing it to the same state
(for a checkbox tool: tick the ticked boxes, one observer run each; for the diary: store the
entry first; for the routine: move the new routine to the same moment, one render). The
factories use the default store, so baselines run with ``CRAMP_LESSONS_HOME`` set to a
temporary folder (set and restored around each call).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.widgets.tools.causefinder import CauseFinderWidget, cause_finder
from cramp_lessons.widgets.tools.diary import DiaryWidget, cramp_diary
from cramp_lessons.widgets.tools.planner import PlannerWidget, prevention_planner
from cramp_lessons.widgets.tools.redflags import RedFlagWidget, red_flag_checker
from cramp_lessons.widgets.tools.routine import RoutineWidget, relief_routine

# -- helpers ----------------------------------------------------------------------------------

_TMP: list[Path] = []


def _tempdir() -> Path:
    p = Path(tempfile.mkdtemp(prefix="cramp-bench-"))
    _TMP.append(p)
    return p


@atexit.register
def _cleanup() -> None:
    for p in _TMP:
        shutil.rmtree(p, ignore_errors=True)


@contextmanager
def _home(path: Path) -> Iterator[None]:
    """``CRAMP_LESSONS_HOME`` = ``path`` for the duration (the factories use the default store)."""
    old = os.environ.get("CRAMP_LESSONS_HOME")
    os.environ["CRAMP_LESSONS_HOME"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CRAMP_LESSONS_HOME", None)
        else:
            os.environ["CRAMP_LESSONS_HOME"] = old


def _store(tmp: Path) -> ProgressStore:
    return ProgressStore(tmp / "progress.sqlite")


def _alternate(n: int = 60) -> list[bool]:
    """True, False, True, ...: every set changes a checkbox."""
    return [i % 2 == 0 for i in range(n)]


def _from_frontend(w: Any, name: str, x: Any) -> None:
    """Set a trait the way a front-end message does (``set_state`` with the JSON form)."""
    to_json = w.trait_metadata(name, "to_json", w._trait_to_json)
    state = to_json(x, w)
    if isinstance(state, dict):  # a date: JavaScript sends whole numbers (ipywidgets' to_json gives floats)
        state = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in state.items()}
    w.set_state({name: state})


class Action:
    """A virtual control: ``value = v`` performs a user action (``apply(old, new)``)."""

    def __init__(self, initial: Any, apply: Callable[[Any, Any], None]) -> None:
        self._value, self._apply = initial, apply

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, v: Any) -> None:
        self._apply(self._value, v)
        self._value = v


class Adapted:
    """What run.py reads from an explorer, for a practical tool: ``controls``, ``summary()``,
    ``values()``. ``tool`` is the wrapped tool and ``widget`` its panel."""

    def __init__(self, tool: Any, controls: dict[str, Any]) -> None:
        self.tool, self.widget, self.controls = tool, tool.widget, controls

    def summary(self) -> str:
        return self.tool.summary()

    def values(self) -> dict[str, Any]:
        return {k: c.value for k, c in self.controls.items()}


@dataclass
class Baseline:
    """``baseline(**values)`` (or ``run(control, value)`` when ``run`` is given); see run.py."""

    name: str
    fn: Callable[..., Any] | None = None
    samples: int = 10
    quick_samples: int = 3
    prepare: Callable[[], None] | None = None
    run: Callable[[str, Any], Any] | None = None

    def __call__(self, **values: Any) -> Any:
        return self.fn(**values)


@dataclass
class Case:
    name: str
    make: Callable[[], Adapted]
    variations: list[tuple[str, list[Any]]]
    baseline: Baseline | None = None
    notes: str = field(default="")


_BASE_HOME: list[Path] = []


def _base_home() -> Path:
    """One temporary home for all factory baselines (made on first use)."""
    if not _BASE_HOME:
        _BASE_HOME.append(_tempdir())
    return _BASE_HOME[0]


# -- planner ----------------------------------------------------------------------------------


def make_planner() -> Adapted:
    tmp = _tempdir()
    w = PlannerWidget(store=_store(tmp), export_dir=tmp)  # nothing saved: starts unticked
    return Adapted(w, dict(w.boxes))


def _planner_baseline(**values: bool) -> Any:
    with _home(_base_home()):
        w = prevention_planner()
        for sid, v in values.items():
            if v:
                w.boxes[sid].value = True
    return w


# -- red flags --------------------------------------------------------------------------------

_RF = "redflags."


def make_redflags() -> Adapted:
    w = RedFlagWidget()
    return Adapted(w, {k.removeprefix(_RF): b for k, b in w.boxes.items()})


def _redflags_baseline(**values: bool) -> Any:
    w = red_flag_checker()
    for k, v in values.items():
        if v:
            w.boxes[_RF + k].value = True
    return w


# -- cause finder -----------------------------------------------------------------------------


def _causefinder_controls(w: CauseFinderWidget) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for g, c in w.controls.items():
        if isinstance(c, dict):
            out.update({f"{g}.{k}": b for k, b in c.items()})
        else:
            out[g] = c
    out["age"] = w.age
    return out


def make_causefinder() -> Adapted:
    w = CauseFinderWidget()
    return Adapted(w, _causefinder_controls(w))


def _causefinder_baseline(**values: Any) -> Any:
    w = cause_finder()
    controls = _causefinder_controls(w)
    for k, v in values.items():
        if v not in (False, ""):  # differs from a fresh tool's default
            controls[k].value = v
    return w


_HOW_OFTEN = ["daily", "weekly", "", "monthly", "first_time", "sometimes"] * 10  # 60, never twice in a row
# 60 ages: plausible ones plus the error paths (not a number, negative, too old, blank)
_AGES = [str(a) for a in range(12, 96, 2)] + [
    "67.5",
    "abc",
    "-3",
    "150",
    "",
    "7",
    "101",
    "45 years",
    "0",
    "31",
    "89",
    " 52 ",
    "1e2",
    "forty",
    "19",
    "71",
    "99",
    "13",
]


# -- diary ------------------------------------------------------------------------------------

_MUSCLES = ["calf", "foot", "thigh_back", "calf", "hand", "thigh_front", "calf"]
_ACTIVITIES = ["sleep", "exercise", "sleep", "rest", "swimming", "sleep", "other"]
_HELPED = [
    ("relief.toe_pull",),
    ("relief.massage", "relief.heat"),
    ("nothing",),
    (),
    ("relief.toe_press",),
    ("relief.acupressure",),
    ("relief.sitting_stretch", "relief.massage"),
]


def _entries(n: int = 60) -> list[tuple]:
    """``n`` different entries: (when, muscle, seconds text, activity, helped), all in the past."""
    t0 = datetime(2024, 3, 1, 23, 40)
    return [
        (
            t0 - timedelta(hours=13 * i, minutes=7 * i),
            _MUSCLES[i % 7],
            str(15 + (i * 37) % 290),
            _ACTIVITIES[i % 7],
            _HELPED[i % 7],
        )
        for i in range(n)
    ]


def _submit(w: DiaryWidget, entry: tuple) -> None:
    """Fill the form as the front end would, then click "Add to diary"."""
    when, muscle, seconds, activity, helped = entry
    _from_frontend(w.when, "value", when)
    _from_frontend(w.muscle, "index", [k for _l, k in w.muscle.options].index(muscle))
    _from_frontend(w.duration, "value", seconds)
    _from_frontend(w.activity, "index", [k for _l, k in w.activity.options].index(activity))
    for k in helped:
        _from_frontend(w.helped[k], "value", True)
    w.save_button.click()
    if "Saved" not in w.message.value:  # a rejected entry would time the (cheaper) error path
        raise RuntimeError(f"diary entry {entry} not saved: {w.message.value}")


def make_diary() -> Adapted:
    tmp = _tempdir()
    w = DiaryWidget(store=_store(tmp), export_dir=tmp)  # a fresh, empty diary
    return Adapted(w, {"add_entry": Action(None, lambda _old, new: _submit(w, new))})


def _diary_baseline_run(_control: str, entry: tuple) -> Any:
    from cramp_lessons.practical import diary as D

    when, muscle, seconds, activity, helped = entry
    with _home(_base_home()):
        D.Diary().add(
            {
                "when": when,
                "muscle": muscle,
                "duration_seconds": seconds,
                "activity": activity,
                "helped": list(helped),
            }
        )
        return cramp_diary()


# -- routine ----------------------------------------------------------------------------------

_TECHNIQUE = "relief.acupressure"  # steps: action, action, timed 30 s hold, action
_TIMED_STEP = 2


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class NullTicker:
    """No thread: the benchmark calls ``refresh()`` itself, as the ticker would."""

    def start(self, callback: Callable[[], None]) -> None:
        pass

    def stop(self) -> None:
        pass


def _to_timed_step(routine: Any, now: float) -> None:
    routine.start(now)
    for _ in range(_TIMED_STEP):
        routine.skip(now)


def make_routine() -> Adapted:
    clock = FakeClock()
    w = RoutineWidget(_TECHNIQUE, clock=clock, ticker=NullTicker())
    w.start()
    for _ in range(_TIMED_STEP):
        w.skip()  # the timed hold starts at clock.now
    epoch = [clock.now]

    def tick(old: float, new: float) -> None:
        if new < old:  # time never runs backwards: start again, back at the timed step
            epoch[0] = clock.now
            _to_timed_step(w.routine, clock.now)
        clock.now = epoch[0] + new
        w.refresh()

    return Adapted(w, {"tick": Action(0.0, tick)})


def _routine_baseline_run(_control: str, t: float) -> Any:
    w = relief_routine(_TECHNIQUE)
    w.stop()
    clock = FakeClock()
    w.clock, w.ticker = clock, NullTicker()
    _to_timed_step(w.routine, clock.now)
    clock.now += t
    w.refresh()
    return w


_TICKS = [20 + 0.25 * k for k in range(1, 61)]  # 20.25 ... 35.0 s: the 30 s hold ends on the way

# -- cases ------------------------------------------------------------------------------------

_FACTORY = "call the factory again ({}) per change, then tick the ticked boxes"

CASES: list[Case] = [
    Case(
        name="practical.planner",
        make=make_planner,
        variations=[(sid, _alternate()) for sid in ("night_cramps", "pregnant", "medicines")],
        baseline=Baseline(_FACTORY.format("prevention_planner()"), _planner_baseline),
        notes="a situation checkbox toggled; the checklist and status HTML are rebuilt",
    ),
    Case(
        name="practical.redflags",
        make=make_redflags,
        variations=[(k, _alternate()) for k in ("pe", "long_cramp", "frequent_long")],
        baseline=Baseline(_FACTORY.format("red_flag_checker()"), _redflags_baseline),
        notes="a sign checkbox toggled (emergency, same day, routine); the result HTML is rebuilt",
    ),
    Case(
        name="practical.causes",
        make=make_causefinder,
        variations=[
            ("signs.wound", _alternate()),
            ("when.night", _alternate()),
            ("how_often", _HOW_OFTEN),
            ("age", _AGES),
        ],
        baseline=Baseline(
            _FACTORY.format("cause_finder()").replace("tick the ticked boxes", "set the changed inputs"),
            _causefinder_baseline,
        ),
        notes="a checkbox, the how-often dropdown or the age text changed; the findings HTML is rebuilt",
    ),
    Case(
        name="practical.diary",
        make=make_diary,
        variations=[("add_entry", _entries())],
        baseline=Baseline(
            "store the entry, then cramp_diary() again (new widgets and FigureWidgets)",
            run=_diary_baseline_run,
        ),
        notes="form filled via set_state + 'Add to diary' clicked; charts, entry list and summary replaced",
    ),
    Case(
        name="practical.routine",
        make=make_routine,
        variations=[("tick", _TICKS)],
        baseline=Baseline(
            "relief_routine() again per tick, moved to the same moment, one render", run=_routine_baseline_run
        ),
        notes="one timer tick (fake clock + refresh()); countdown, progress (and at 30 s the step) replaced",
    ),
]
