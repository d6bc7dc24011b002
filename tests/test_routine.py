"""The relief routine: a state machine driven by injected time (nothing here sleeps)."""

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_lessons.course.model import load_course
from cramp_lessons.practical.redflags import long_cramp
from cramp_lessons.practical.routine import (
    Routine,
    RoutineError,
    RoutineStep,
    build_routine,
    relief_techniques,
    steps_from_topic,
)
from cramp_lessons.widgets.tools.routine import RoutineWidget, ThreadTicker

LONG_CRAMP_SECONDS = long_cramp().seconds  # from the content: redflags.long_cramp's limit_minutes


def three_steps():
    return Routine(
        [
            RoutineStep("press", "timed", 10.0, "content", (10, 10)),
            RoutineStep("hold until it eases", "until_eases"),
            RoutineStep("breathe", "timed", 5.0),
        ],
        title="Test",
    )


class Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


class ManualTicker:
    def __init__(self):
        self.callback, self.running, self.starts = None, False, 0

    def start(self, callback):
        self.callback, self.running = callback, True
        self.starts += 1

    def stop(self):
        self.running = False

    def fire(self):
        if self.running:
            self.callback()


# --------------------------------------------------------------------------- state machine
def test_start_tick_counts_down():
    r = three_steps()
    assert r.state == "ready" and "not started" in r.summary(0)
    t = r.start(100)
    assert (t.state, t.index, t.remaining) == ("running", 0, 10.0)
    t = r.tick(104)
    assert t.remaining == pytest.approx(6.0) and t.step.text == "press"
    assert "6 s left" in r.summary(104)


def test_pause_holds_the_remaining_time():
    r = three_steps()
    r.start(0)
    r.tick(4)
    t = r.pause(4)
    assert t.state == "paused" and t.remaining == pytest.approx(6)
    assert r.tick(500).remaining == pytest.approx(6)  # time passes; the countdown does not
    assert "(paused)" in r.summary(500)
    r.resume(500)
    assert r.tick(503).remaining == pytest.approx(3)


def test_timed_step_ends_by_itself_and_carries_over():
    r = three_steps()
    r.start(0)
    t = r.tick(12)  # 10 s step over 2 s ago
    assert t.index == 1 and t.remaining is None and t.elapsed == pytest.approx(2)
    assert "hold until it eases, then press Skip" in r.summary(12)


def test_untimed_step_waits_for_skip_and_warns_after_ten_minutes():
    r = three_steps()
    r.start(0)
    assert r.tick(10 + LONG_CRAMP_SECONDS - 1).index == 1
    t = r.tick(10 + LONG_CRAMP_SECONDS + 1)
    assert t.index == 1 and t.long_hold
    assert "10 minutes" in r.summary(10 + LONG_CRAMP_SECONDS + 1)


def test_the_long_cramp_warning_says_how_soon_in_the_words_of_the_scale():
    course = load_course()
    same_day = course.level(course.topic("redflags.long_cramp").urgency)
    r = build_routine("relief.toe_pull", course=course)
    assert r.long_cramp_text.endswith(f" {same_day.label}.") and "10 minutes" in r.long_cramp_text
    held = Routine(three_steps().steps, title="Test", long_cramp_text=r.long_cramp_text)
    assert r.long_cramp_seconds == 600  # 10 minutes, as the red flag in content says
    held.start(0)
    assert held.tick(10 + LONG_CRAMP_SECONDS + 1).long_hold
    assert held.summary(10 + LONG_CRAMP_SECONDS + 1).endswith(f"Warning: {r.long_cramp_text}")


def test_skip_advances_and_done_at_the_end():
    r = three_steps()
    r.start(0)
    assert r.skip(1).index == 1
    assert r.skip(2).index == 2
    assert r.tick(6).remaining == pytest.approx(1)
    t = r.tick(7)
    assert t.state == "done" and r.done and t.progress == 1.0 and t.step is None
    assert "all 3 steps done" in r.summary(7)
    assert r.skip(8).state == "done"  # nothing past the end
    r.start(20)
    assert (r.state, r.index) == ("running", 0)


def test_late_skip_on_an_ended_step_does_not_skip_two():
    r = three_steps()
    r.start(0)
    t = r.skip(10.5)  # the 10 s step ended just before the press
    assert t.index == 1


def test_skip_while_paused_stays_paused():
    r = three_steps()
    r.start(0)
    r.pause(3)
    t = r.skip(4)
    assert (t.state, t.index, t.elapsed) == ("paused", 1, 0)


def test_time_never_runs_backwards():
    r = three_steps()
    r.start(100)
    r.tick(105)
    assert r.tick(90).remaining == pytest.approx(5)


def test_pause_when_not_running_changes_nothing():
    r = three_steps()
    assert r.pause(5).state == "ready"
    assert r.resume(5).state == "ready"


def test_bad_steps_are_refused():
    with pytest.raises(RoutineError):
        Routine([])
    with pytest.raises(RoutineError):
        RoutineStep("x", "timed", 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 120), min_size=1, max_size=6), st.lists(st.floats(0, 1), max_size=12))
def test_timed_routine_lasts_the_sum_of_its_steps(durations, fractions):
    total = sum(durations)
    r = Routine([RoutineStep(f"s{k}", "timed", float(d)) for k, d in enumerate(durations)])
    r.start(0)
    last = (-1, float("inf"))
    for f in sorted(fractions):  # arbitrary ticks before the end: progress only moves forward
        t = r.tick(f * (total - 0.001))
        assert t.state == "running"
        assert (t.index, -t.remaining) >= (last[0], -last[1])
        last = (t.index, t.remaining)
    assert r.tick(total - 0.001).state == "running"
    assert r.tick(total).state == "done"


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 9.9), st.floats(0, 1e6))
def test_any_pause_keeps_the_remaining_time(at, pause_for):
    r = three_steps()
    r.start(0)
    before = r.pause(at).remaining
    r.resume(at + pause_for)
    assert r.tick(at + pause_for).remaining == pytest.approx(before)


# --------------------------------------------------------------------------- from the content
def test_hold_time_only_from_the_content():
    course = load_course()
    for t in relief_techniques(course):
        steps = steps_from_topic(t)
        timed = [s for s in steps if s.seconds is not None]
        if t.hold_seconds:
            assert len(timed) == 1 and timed[0].source == "content"
            assert timed[0].seconds == t.hold_seconds[1]
        else:
            assert timed == [], f"{t.id}: a duration was invented"


def test_acupressure_uses_the_articles_20_to_30_seconds():
    r = build_routine("relief.acupressure")
    (step,) = [s for s in r.steps if s.kind == "timed"]
    assert step.hold_range == (20, 30) and step.seconds == 30 and "seconds" in step.text
    assert build_routine("relief.acupressure", hold_pick=20).steps[r.steps.index(step)].seconds == 20
    with pytest.raises(RoutineError, match="20-30"):
        build_routine("relief.acupressure", hold_pick=45)


def test_stretch_held_until_it_eases_uses_your_choice():
    plain = build_routine("relief.toe_pull")
    eases = [s for s in plain.steps if s.kind == "until_eases"]
    assert eases and all(s.seconds is None for s in eases)
    assert "until it eases" in eases[0].duration_text
    mine = build_routine("relief.toe_pull", stretch_seconds=40)
    timed = [s for s in mine.steps if s.kind == "until_eases"]
    assert all(s.seconds == 40 and s.source == "your choice" for s in timed)
    assert "your choice" in timed[0].duration_text
    with pytest.raises(RoutineError, match="10 minutes"):
        build_routine("relief.toe_pull", stretch_seconds=int(LONG_CRAMP_SECONDS) + 1)


def test_several_techniques_in_order_and_unknown_refused():
    r = build_routine(["relief.toe_pull", "relief.massage"])
    assert r.steps[0].topic_id == "relief.toe_pull" and r.steps[-1].topic_id == "relief.massage"
    assert r.cautions  # the techniques' cautions travel with the routine
    with pytest.raises(RoutineError, match="relief.toe_pull"):
        build_routine("relief.painkillers")  # no steps: not a technique to follow
    with pytest.raises(RoutineError):
        build_routine([])


# --------------------------------------------------------------------------- widget
def test_widget_start_tick_pause_skip_done():
    clock, ticker = Clock(0), ManualTicker()
    w = RoutineWidget("relief.acupressure", clock=clock, ticker=ticker)
    assert "not started" in w.summary() and w.pause_button.disabled
    assert all(
        b.description for b in (w.start_button, w.pause_button, w.skip_button, w.technique, w.own_time)
    )
    w.start()
    assert ticker.running and "Step 1 of 4" in w.step_html.value
    w.skip()
    w.skip()
    clock.t = 12
    ticker.fire()
    assert "0:18" in w.countdown.value and "role='timer'" in w.countdown.value
    assert 0.5 < w.progress.value < 0.75
    w.toggle_pause()
    assert w.pause_button.description == "Resume" and not ticker.running
    clock.t = 100
    assert "18 s left" in w.summary()
    w.toggle_pause()
    assert w.pause_button.description == "Pause" and ticker.running
    clock.t = 118
    ticker.fire()
    assert "Step 4 of 4" in w.step_html.value and "role='status'" in w.status.value
    w.skip()
    assert "done" in w.summary() and not ticker.running and w.progress.value == 1.0


def test_widget_pauses_a_forgotten_timer():
    clock, ticker = Clock(0), ManualTicker()
    w = RoutineWidget("relief.toe_pull", clock=clock, ticker=ticker)
    w.start()
    clock.t = w.IDLE_PAUSE + 1
    ticker.fire()
    assert w.routine.state == "paused" and not ticker.running and w.pause_button.description == "Resume"


def test_widget_rebuilds_when_the_technique_or_your_time_changes():
    w = RoutineWidget("relief.toe_pull", clock=Clock(), ticker=ManualTicker())
    w.own_time.value = 30
    assert any(s.seconds == 30 for s in w.routine.steps)
    w.technique.value = "relief.massage"
    assert w.routine.steps[0].topic_id == "relief.massage"
    assert "Massage" in w.summary()


def test_thread_ticker_runs_in_the_background_without_sleeping():
    calls, waits = [], []
    done = threading.Event()

    def wait(_event, seconds):
        waits.append(seconds)
        if len(waits) > 3:
            done.set()
            return True  # stopped
        return False

    tk = ThreadTicker(interval=0.5, wait=wait)
    tk.start(lambda: calls.append(1))
    assert done.wait(5)
    tk.join(5)
    assert calls == [1, 1, 1] and waits == [0.5] * 4 and not tk.running


def test_thread_ticker_stops_on_a_failing_callback():
    tk = ThreadTicker(wait=lambda ev, s: ev.is_set())

    def boom():
        raise RuntimeError("x")

    tk.start(boom)
    tk.join(5)
    assert len(tk.errors) == 1 and not tk.running


def test_the_long_cramp_limit_is_read_from_the_content(tmp_path):
    """Issue 13: the 10 minutes live in content (redflags.long_cramp: limit_minutes); change them
    there and the routine and its warning follow."""
    import shutil

    from cramp_lessons.course.model import CONTENT_DIR

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    flags = copy / "topics" / "red_flags.yaml"
    flags.write_text(flags.read_text().replace("limit_minutes: 10", "limit_minutes: 5"))
    course = load_course(copy)
    limit = long_cramp(course)
    assert limit.seconds == 300 and limit.warning.startswith(course.topic("redflags.long_cramp").title)
    r = build_routine("relief.toe_pull", course=course)
    assert r.long_cramp_seconds == 300
    held = Routine(
        three_steps().steps, long_cramp_text=r.long_cramp_text, long_cramp_seconds=r.long_cramp_seconds
    )
    held.start(0)
    assert not held.tick(10 + 299).long_hold and held.tick(10 + 301).long_hold
