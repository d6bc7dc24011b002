"""The cramp diary: validation with clear messages, storage, CSV round trip, pattern data and charts."""

import math
from datetime import datetime, timedelta

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_lessons.figures.diary import activity_figure, diary_summary, helped_figure, hours_figure
from cramp_lessons.figures.palette import OKABE_ITO
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.practical.diary import (
    ACTIVITIES,
    MAX_SECONDS,
    MUSCLES,
    Diary,
    DiaryEntry,
    DiaryError,
    activity_counts,
    duration_by_helped,
    entries_from_csv,
    entries_to_csv,
    helped_choices,
    hour_counts,
    validate_entry,
)
from cramp_lessons.widgets.tools.diary import DiaryWidget

NOW = datetime(2024, 5, 1, 12, 0)


def ok(**kw):
    base = dict(
        when="2024-04-30 02:30",
        muscle="calf",
        duration_seconds=45,
        activity="sleep",
        helped=["relief.toe_pull"],
    )
    base.update(kw)
    return base


def refused(**kw):
    with pytest.raises(DiaryError) as info:
        validate_entry(ok(**kw), now=NOW)
    return info.value


@pytest.fixture
def diary(tmp_path):
    return Diary(ProgressStore(tmp_path / "d.sqlite"), now=lambda: NOW)


# --------------------------------------------------------------------------- validation
def test_valid_entry_is_normalised():
    e = validate_entry(ok(muscle=" Calf ", duration_seconds="45"), now=NOW)
    assert (e.muscle, e.duration_seconds, e.when) == ("calf", 45.0, datetime(2024, 4, 30, 2, 30))
    assert e.helped == ("relief.toe_pull",) and e.uid


@pytest.mark.parametrize(
    "kw, field, words",
    [
        (dict(when="2024-05-02 09:00"), "when", "future"),
        (dict(when="1850-01-01 00:00"), "when", "year"),
        (dict(when="last tuesday"), "when", "date and time"),
        (dict(duration_seconds=-5), "duration_seconds", "more than 0"),
        (dict(duration_seconds=0), "duration_seconds", "more than 0"),
        (dict(duration_seconds=MAX_SECONDS + 1), "duration_seconds", "24 hours"),
        (dict(duration_seconds="two minutes"), "duration_seconds", "number of seconds"),
        (dict(duration_seconds=float("nan")), "duration_seconds", "number of seconds"),
        (dict(muscle="neck"), "muscle", "not in the list"),
        (dict(muscle="other"), "muscle_other", "say which muscle"),
        (dict(activity="dancing"), "activity", "not in the list"),
        (dict(helped=["prayer"]), "helped", "not in the list"),
        (dict(helped=["nothing", "relief.massage"]), "helped", "nothing"),
        (dict(helped=["other"]), "helped_other", "say what helped"),
        (dict(notes="x" * 2001), "notes", "too long"),
    ],
)
def test_invalid_entries_are_refused_naming_the_field(kw, field, words):
    err = refused(**kw)
    assert field in err.fields
    assert words in str(err)


def test_message_uses_words_not_codes():
    err = refused(duration_seconds=-1)
    assert str(err).startswith("How long (seconds):")


def test_several_problems_are_all_reported():
    err = refused(muscle="neck", duration_seconds=-3, activity="x")
    assert set(err.fields) == {"muscle", "duration_seconds", "activity"}


def test_missing_fields_and_non_dict_never_crash():
    with pytest.raises(DiaryError) as info:
        validate_entry({}, now=NOW)
    assert {"when", "muscle", "duration_seconds", "activity"} <= set(info.value.fields)
    with pytest.raises(DiaryError):
        validate_entry("calf 45 s", now=NOW)


@settings(max_examples=80, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_duration_accepted_exactly_within_a_day(x):
    ok_range = not math.isnan(x) and 0 < x <= MAX_SECONDS
    try:
        e = validate_entry(ok(duration_seconds=x), now=NOW)
    except DiaryError as err:
        assert not ok_range and err.fields == ["duration_seconds"]
    else:
        assert ok_range and e.duration_seconds == x


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_any_text_for_choices_explains_never_crashes(muscle, activity):
    try:
        e = validate_entry(ok(muscle=muscle, activity=activity), now=NOW)
    except DiaryError as err:
        assert set(err.fields) <= {"muscle", "activity", "muscle_other"}
    else:
        assert e.muscle in MUSCLES and e.activity in ACTIVITIES


def test_helped_choices_come_from_relief_techniques():
    ch = helped_choices()
    assert "relief.toe_pull" in ch and "relief.acupressure" in ch
    assert "relief.painkillers" not in ch  # not a technique; the lesson says they do not help
    assert list(ch)[-2:] == ["nothing", "other"]


# --------------------------------------------------------------------------- storage
def test_entries_survive_a_new_store_on_the_same_file(tmp_path):
    path = tmp_path / "d.sqlite"
    d = Diary(ProgressStore(path), now=lambda: NOW)
    a = d.add(ok())
    b = d.add(
        ok(when="2024-04-29 23:10", muscle="foot", duration_seconds=120, activity="exercise", helped=[])
    )
    again = Diary(ProgressStore(path), now=lambda: NOW)
    assert again.entries() == [b, a]  # oldest cramp first
    assert len(again) == 2
    assert again.delete(b.uid) and not again.delete(b.uid)
    assert Diary(ProgressStore(path)).entries() == [a]


def test_add_refuses_bad_entry_and_duplicate(diary):
    with pytest.raises(DiaryError, match="How long"):
        diary.add(ok(duration_seconds=-1))
    e = diary.add(ok())
    with pytest.raises(DiaryError, match="already"):
        diary.add(e)
    assert len(diary) == 1


def test_future_check_uses_the_injected_clock(tmp_path):
    d = Diary(ProgressStore(tmp_path / "d.sqlite", clock=lambda: datetime(2024, 4, 1).timestamp()))
    with pytest.raises(DiaryError, match="future"):
        d.add(ok(when="2024-04-30 02:30"))
    d.add(ok(when="2024-03-30 02:30"))


# --------------------------------------------------------------------------- CSV
TRICKY = [
    "",
    "plain",
    'comma, and "quotes"',
    "line\nbreak",
    '=HYPERLINK("x")',
    "+1",
    "-2",
    "@a",
    "'quoted",
    "'=already",
    "ünïcødé ✓",
]


def test_csv_round_trip_is_exact(diary, tmp_path):
    for k, note in enumerate(TRICKY):
        diary.add(
            ok(
                when=f"2024-04-{k + 1:02d} 0{k % 10}:15:30",
                notes=note,
                duration_seconds=1.5 + k,
                muscle="other",
                muscle_other="=neck" if k % 2 else "neck",
                helped=["relief.massage", "other"],
                helped_other="-cold towel",
            )
        )
    path = diary.export_csv(tmp_path / "out.csv")
    text = path.read_text()
    assert text.splitlines()[0].startswith("uid,when,muscle")
    assert ",=HYPERLINK" not in text and "'=HYPERLINK" in text  # no live formulas for spreadsheets
    fresh = Diary(ProgressStore(tmp_path / "other.sqlite"), now=lambda: NOW)
    report = fresh.import_csv(text)
    assert (report.added, report.duplicates, report.errors) == (len(TRICKY), 0, [])
    assert fresh.entries() == diary.entries()
    again = fresh.import_csv(text.encode("utf-8-sig"))  # bytes with a BOM, as Excel writes
    assert (again.added, again.duplicates) == (0, len(TRICKY))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200)
)
def test_any_note_survives_csv(note):
    e = validate_entry(ok(notes=note), now=NOW)
    report = entries_from_csv(entries_to_csv([e]), now=NOW)
    assert report.errors == [] and report.entries == [e]


def test_import_reports_bad_rows_by_number(diary):
    good = entries_to_csv([validate_entry(ok(), now=NOW)]).splitlines()
    text = (
        "\n".join(
            [
                good[0],
                good[1],
                ",2024-04-01 01:00,calf,,-4,sleep,,,",
                ",2099-01-01 01:00,knee,,5,sleep,,,",
                "",
                ",2024-04-02 01:00,calf,,30,rest,nothing,,",
            ]
        )
        + "\n"
    )
    report = diary.import_csv(text)
    assert report.added == 2
    assert len(report.errors) == 2
    assert report.errors[0].startswith("row 3: How long (seconds)")
    assert (
        report.errors[1].startswith("row 4:")
        and "future" in report.errors[1]
        and "Muscle" in report.errors[1]
    )
    assert "2 rows not imported" in report.text


def test_import_refuses_a_file_it_cannot_use(diary):
    with pytest.raises(DiaryError, match="no column 'when'"):
        diary.import_csv("uid,muscle\n1,calf\n")
    with pytest.raises(DiaryError, match="empty"):
        diary.import_csv("")
    with pytest.raises(DiaryError, match="UTF-8"):
        diary.import_csv(b"\xff\xfe\x00bad")


# --------------------------------------------------------------------------- patterns and charts
def sample():
    rows = [
        ("2024-04-01 02:10", "sleep", 30, ["relief.toe_pull"]),
        ("2024-04-02 02:50", "sleep", 90, ["relief.toe_pull"]),
        ("2024-04-03 03:05", "sleep", 60, ["relief.massage"]),
        ("2024-04-04 18:00", "exercise", 20, ["relief.toe_pull", "relief.massage"]),
        ("2024-04-05 14:00", "swimming", 700, []),
    ]
    return [
        validate_entry(ok(when=w, activity=a, duration_seconds=d, helped=h), now=NOW) for w, a, d, h in rows
    ]


def test_pattern_counts():
    es = sample()
    hours = hour_counts(es)
    assert len(hours) == 24 and hours[2] == 2 and hours[3] == 1 and hours[18] == 1 and sum(hours) == 5
    assert activity_counts(es) == {"sleep": 3, "exercise": 1, "swimming": 1, "rest": 0, "other": 0}
    stats = duration_by_helped(es)
    assert stats == {"relief.toe_pull": (30.0, 3), "relief.massage": (40.0, 2)}
    assert list(stats) == ["relief.toe_pull", "relief.massage"]  # fastest first


def test_charts_carry_the_data_titles_units_and_palette():
    es = sample()
    h = hours_figure(es)
    assert list(h.data[0].y) == hour_counts(es) and list(h.data[0].x) == list(range(24))
    assert "hour" in h.layout.title.text.lower() and "(h" in h.layout.xaxis.title.text
    a = activity_figure(es)
    assert list(a.data[0].y) == [3, 1, 1, 0, 0] and a.layout.yaxis.title.text == "cramps (count)"
    labels = helped_choices()
    f = helped_figure(es, labels)
    assert list(f.data[0].x) == [30.0, 40.0] and f.data[0].y[0].startswith(labels["relief.toe_pull"])
    assert "(s)" in f.layout.xaxis.title.text and "fastest" in f.layout.title.text
    palette = set(OKABE_ITO.values())
    assert all(fig.data[0].marker.color in palette for fig in (h, a, f))
    for fig in (hours_figure([]), activity_figure([]), helped_figure([])):
        assert len(fig.data) == 1  # empty diary: still one trace, no error


def test_summary_says_the_pattern():
    text = diary_summary(sample(), helped_choices())
    assert text.startswith("5 cramps in your diary; 3 at night")
    assert "between 02:00 and 02:59 (2)" in text and "asleep" in text
    assert "Pull the big toe up" in text and "30 s" in text
    assert "more than 10 minutes" in text  # the 700 s swim
    assert "No cramps" in diary_summary([])


# --------------------------------------------------------------------------- widget
def test_widget_form_refuses_then_saves_and_updates_charts(tmp_path):
    store = ProgressStore(tmp_path / "d.sqlite")
    w = DiaryWidget(store=store, now=lambda: NOW, export_dir=tmp_path)
    controls = [
        w.when,
        w.muscle,
        w.muscle_other,
        w.duration,
        w.activity,
        w.helped_other,
        w.notes,
        *w.helped.values(),
    ]
    assert all(c.description for c in controls)
    assert "No cramps" in w.summary()
    w.duration.value = "-3"
    assert w.add() is None
    assert "role='alert'" in w.message.value and "How long (seconds)" in w.message.value and len(w.diary) == 0
    w.when.value = NOW - timedelta(hours=10)  # 02:00
    w.duration.value = "45"
    w.helped["relief.toe_pull"].value = True
    entry = w.add()
    assert entry is not None and len(Diary(ProgressStore(tmp_path / "d.sqlite")).entries()) == 1
    assert w.summary().startswith("1 cramp in your diary; 1 at night")
    assert list(w.figures[0].data[0].y)[2] == 1 and list(w.figures[1].data[0].y)[0] == 1
    assert list(w.figures[2].data[0].x) == [45.0]
    assert w.entry_list.value == entry.uid
    path = w.export()
    assert path.read_text().count("\n") == 2 and "data:text/csv" in w.message.value
    w.delete()
    assert len(w.diary) == 0 and "No cramps" in w.summary()
    report = w.import_text(path.read_text())
    assert report.added == 1 and len(w.diary) == 1
    w.import_text("nonsense")
    assert "Nothing imported" in w.message.value


def test_widget_upload_imports(tmp_path):
    w = DiaryWidget(store=ProgressStore(tmp_path / "d.sqlite"), now=lambda: NOW, charts=False)
    csv_text = entries_to_csv(sample())
    w._on_upload({"new": ({"name": "d.csv", "content": memoryview(csv_text.encode())},)})
    assert len(w.diary) == 5 and "Imported 5 entries" in w.message.value


def test_entry_model_is_frozen():
    e = validate_entry(ok(), now=NOW)
    with pytest.raises(pydantic.ValidationError):
        e.duration_seconds = 3  # type: ignore[misc]
    assert isinstance(e, DiaryEntry)
