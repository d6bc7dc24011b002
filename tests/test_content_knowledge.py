"""Each piece of course knowledge once, in content/ (issue 13 §3): the evidence tags' words and icons
(evidence.yaml), the figures' words (figures.yaml), the long-cramp limit. Every reader takes them
from the course, and `check` refuses a bad value naming file, item and field."""

import ast
import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import cramp_lessons
from cramp_lessons.course.model import CONTENT_DIR, FIGURE_IDS, collect_errors, load_course
from cramp_lessons.practical.planner import make_plan, measure_tag, plan_html, plan_markdown, plan_summary
from cramp_lessons.schema import EVIDENCE_TAGS
from cramp_lessons.widgets.content import ranked, topic_markdown

COURSE = load_course()
PACKAGE = Path(cramp_lessons.__file__).parent
NOTEBOOKS = PACKAGE.parent / "notebooks"


def _edit(path, fn):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _only_error(root):
    course, errors = collect_errors(root)
    assert course is None
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


@pytest.fixture
def full_copy(tmp_path) -> Path:
    """A copy of the shipped content (the figures cite its references)."""
    dst = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, dst)
    return dst


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


# ================================================================== evidence tags
def test_the_evidence_tags_are_defined_once_strongest_first():
    assert list(COURSE.evidence) == list(EVIDENCE_TAGS)
    assert [e.id for e in COURSE.evidence.values()] == list(EVIDENCE_TAGS)
    assert COURSE.evidence["traditional practice"].words == "traditional practice, not tested in trials"
    assert (
        len({e.words for e in COURSE.evidence.values()})
        == len({e.icon for e in COURSE.evidence.values()})
        == 5
    )
    assert "evidence" not in COURSE.tables  # modelled, not a loose table


def test_a_content_folder_without_evidence_yaml_is_refused(content_copy):
    (content_copy / "evidence.yaml").unlink()
    _, errors = collect_errors(content_copy)
    assert [str(e) for e in errors if "evidence.yaml" in str(e)] == [
        "evidence.yaml: item '-', field '-': missing file: the evidence tags' words and icons are defined there"
    ]


@pytest.fixture
def own_words(content_copy):
    """A content folder with its own evidence.yaml, every tag worded and marked differently."""
    data = yaml.safe_load((CONTENT_DIR / "evidence.yaml").read_text(encoding="utf-8"))
    for k, tag in enumerate(data["tags"]):
        tag.update(words=f"rated {k} ({tag['id']})", icon="✱✲✳✴✵"[k])
    (content_copy / "evidence.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_course(content_copy)


def test_cards_and_the_ranked_table_show_the_contents_words_and_icons(own_words, tmp_path):
    t = own_words.topic("redflags.chest")
    e = own_words.evidence[t.evidence]
    card = topic_markdown(t, own_words, notebooks_dir=tmp_path)
    assert card.split("\n\n")[1] == f"*{e.icon} {e.words}*"
    for old in COURSE.evidence.values():
        assert old.words not in card and old.icon not in card


def test_the_plan_shows_the_contents_words(full_copy):
    _edit(full_copy / "evidence.yaml", lambda d: [t.update(words=f"graded {t['id']}") for t in d["tags"]])
    course = load_course(full_copy)
    plan = make_plan(["athlete"], course)
    md, page = plan_markdown(plan, course), plan_html(plan, course)
    item = next(i for i in plan.items if i.parts)
    assert measure_tag(item, course).endswith(f"; graded {item.evidence}")
    assert f"*Graded {item.parts[0].evidence}:* {item.parts[0].claim}" in md
    assert f"<span class='ev'>Graded {item.parts[0].evidence}: " in page
    assert "graded " in plan_summary(plan, course)
    for old in COURSE.evidence.values():
        if old.words != old.id:  # "unproven" reads as its own tag
            assert old.words not in md and old.words not in page
    table = ranked("prevention", course=course).text
    assert "graded strong" in table and "strong evidence" not in table


def _without_weak(d):
    d["tags"].pop(2)


def _twice(d):
    d["tags"].append(copy.deepcopy(d["tags"][0]))


def _swapped(d):
    d["tags"][1], d["tags"][2] = d["tags"][2], d["tags"][1]


@pytest.mark.parametrize(
    "change, item, field, problem",
    [
        (_without_weak, "weak", "id", "the tag 'weak' is missing"),
        (_twice, "strong", "id", "listed 2 times"),
        (_swapped, "weak", "id", "out of order: 'moderate' goes here"),
        (lambda d: d["tags"][0].update(id="very strong"), "very strong", "id", "Input should be 'strong'"),
        (lambda d: d["tags"][1].update(words="Moderate evidence"), "moderate", "words", "small letter"),
        (lambda d: d["tags"][1].update(words="moderate evidence."), "moderate", "words", "no full stop"),
        (
            lambda d: d["tags"][1].update(words="strong evidence"),
            "moderate",
            "words",
            "also the words of 'strong'",
        ),
        (lambda d: d["tags"][1].update(icon="🟢"), "moderate", "icon", "also the icon of 'strong'"),
        (lambda d: d["tags"][1].update(icon="M"), "moderate", "icon", "one symbol"),
        (lambda d: d["tags"][1].pop("words"), "moderate", "words", "Field required"),
        (lambda d: d["tags"][1].update(colour="#0072B2"), "moderate", "colour", "Extra inputs"),
        (lambda d: d.update(tags=[]), "strong", "id", "the tag 'strong' is missing"),
    ],
)
def test_a_bad_evidence_file_is_refused(content_copy, change, item, field, problem):
    shutil.copy(CONTENT_DIR / "evidence.yaml", content_copy / "evidence.yaml")
    _edit(content_copy / "evidence.yaml", change)
    course, errors = collect_errors(content_copy)
    assert course is None
    e = errors[0]
    assert (e.file, e.item, e.field) == ("evidence.yaml", item, field), str(e)
    assert problem in e.problem


def test_cli_check_refuses_a_bad_evidence_file(full_copy):
    _edit(full_copy / "evidence.yaml", _swapped)
    r = subprocess.run(
        [sys.executable, "-m", "cramp_lessons.cli.main", "check", str(full_copy)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1
    assert "evidence.yaml: item 'weak', field 'id': out of order" in r.stderr


def test_no_code_keeps_its_own_words_or_icons_for_the_tags():
    """The words and icons of evidence.yaml appear in no module's code (docstrings aside).

    The classroom's connection light uses coloured circles of its own (not evidence), so icons are
    looked for everywhere else."""
    words = [e.words for e in COURSE.evidence.values() if e.words != e.id]
    icons = [e.icon for e in COURSE.evidence.values()]
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for text in _code_strings(path):
            for w in words:
                assert w not in text.lower(), f"{rel} words the tag itself: {text!r}"
            if not rel.startswith("classroom/"):
                for icon in icons:
                    assert icon not in text, f"{rel} keeps an evidence icon: {text!r}"


def _markdown_cells():
    for path in sorted(NOTEBOOKS.glob("**/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for c in nb["cells"]:
            if c["cell_type"] == "markdown":
                yield path.name, " ".join("".join(c["source"]).split())


def test_the_start_lessons_legend_matches_the_tags():
    """Lesson 00 explains the badges in Markdown, which cannot read the content: it must agree with it."""
    text = " ".join(t for name, t in _markdown_cells() if name == "00_start_here.ipynb")
    legend = re.search(r"\*\*Evidence tags\*\* say how sure science is: ([^.]+)\.", text)
    assert legend, "lesson 00 no longer explains the evidence tags"
    assert legend.group(1) == ", ".join(f"{e.icon} {e.id}" for e in COURSE.evidence.values())


def test_every_icon_a_lesson_writes_is_its_tags():
    """Wherever a lesson's own text shows a badge icon ("tagged 🟢 strong evidence"), the tag after
    it is the one evidence.yaml gives that icon."""
    by_icon = {e.icon: e.id for e in COURSE.evidence.values()}
    seen = 0
    for name, text in _markdown_cells():
        for icon, tag in by_icon.items():
            for m in re.finditer(re.escape(icon) + r" (\w+)", text):
                seen += 1
                assert tag.startswith(m.group(1)), f"{name}: {icon} {m.group(1)}..., but {icon} is {tag!r}"
    assert seen >= 5


# ================================================================== figures
def test_every_figure_has_its_words_and_cites_known_sources():
    assert set(COURSE.figures) == set(FIGURE_IDS)
    for f in COURSE.figures.values():
        assert f.title and f.caption and f.references
        assert all(r in COURSE.references for r in f.references)
    assert "figures" not in COURSE.tables
    acu = COURSE.figure("acupressure")
    assert [p.full_name for p in acu.points] == [
        "BL40 Weizhong",
        "BL56 Chengjin",
        "BL57 Chengshan",
        "LI4 Hegu",
    ]
    assert acu.references == ["who_acupoints2008"]
    assert "matsumoto2009" in COURSE.figure("spine").references
    assert COURSE.figure("abi").references == ["aha_acc_pad2016"]


def test_a_content_folder_without_figures_yaml_has_no_figure_words(fixture_course):
    assert fixture_course.figures == {}
    with pytest.raises(KeyError, match="no figures.yaml"):
        fixture_course.figure("acupressure")


@pytest.mark.parametrize(
    "change, item, field, problem",
    [
        (
            lambda f: f[2].update(references=["nowhere2020"]),
            "abi",
            "references",
            "not defined in references.yaml",
        ),
        (lambda f: f[2].update(references=[]), "abi", "references", "at least 1 item"),
        (lambda f: f[1].pop("caption"), "spine", "caption", "Field required"),
        (lambda f: f[1].update(stenosis="<i>Stenosis</i>"), "spine", "stenosis", "not figure markup"),
        (
            lambda f: f[0].update(caption="<b>Traditional practice"),
            "acupressure",
            "caption",
            "every <b> needs",
        ),
        (lambda f: f[1].update(summary="The <b>calf</b> muscles."), "spine", "summary", "plain words only"),
        (
            lambda f: f[0]["points"][0].update(where="behind the <b>knee</b>"),
            "acupressure",
            "points.BL40.where",
            "plain",
        ),
        (
            lambda f: f[0]["points"][0].update(name="BL40 Weizhong"),
            "acupressure",
            "points.BL40.name",
            "without the code",
        ),
        (
            lambda f: f[0]["points"][0].update(id="bl40"),
            "acupressure",
            "points.bl40.id",
            "should match pattern",
        ),
        (lambda f: f[0]["points"][1].update(id="BL40"), "acupressure", "points", "duplicate id 'BL40'"),
        (lambda f: f[0].update(colour="red"), "acupressure", "colour", "Extra inputs"),
        (lambda f: f.pop(1), "-", "figures", "the figure 'spine' is missing"),
        (lambda f: f[1].update(id="heart"), "heart", "-", "does not match any of the expected tags"),
    ],
)
def test_a_bad_figures_file_is_refused(full_copy, change, item, field, problem):
    _edit(full_copy / "figures.yaml", lambda d: change(d["figures"]))
    e = _only_error(full_copy)
    assert (e.file, e.item, e.field) == ("figures.yaml", item, field), str(e)
    assert problem in e.problem


# ================================================================== the long-cramp limit
def test_the_long_cramp_limit_is_kept_in_content_only():
    """limit_minutes on redflags.long_cramp; no module words the limit itself (docstrings aside)."""
    minutes = COURSE.topic("redflags.long_cramp").limit_minutes
    assert minutes is not None
    said = re.compile(rf"\b{minutes} ?min|\b{minutes * 60} ?s(ec|\b)", re.IGNORECASE)
    for path in sorted(PACKAGE.rglob("*.py")):
        for text in _code_strings(path):
            assert not said.search(text), (path.relative_to(PACKAGE).as_posix(), text)
