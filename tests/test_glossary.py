"""The glossary: terms are defined (<dfn>) where learners first read them, once, and explained on hover after.

Each test builds a copy of the fixture content with a small glossary and a tiny notebooks folder
in tmp_path: lesson "one" (01_one.ipynb) is read before lesson "two" (02_two.ipynb).
"""

import json

import pytest
import yaml

from cramp_lessons.cli import main as cli
from cramp_lessons.course.model import collect_errors, load_course
from cramp_lessons.course.rendered import lesson_segments, shown_topics
from cramp_lessons.course.terms import Matcher, annotate, check_glossary, definition_lessons
from cramp_lessons.widgets.content import glossary_markdown, topic_markdown

TWITCH_DEF = 'One short "pull" of a muscle fibre after one nerve signal; < a second & gone.'

GLOSSARY = {
    "terms": [
        {"id": "twitch", "term": "twitch", "aliases": ["muscle twitch"], "definition": TWITCH_DEF},
        {
            "id": "tetanus",
            "term": "tetanus",
            "aliases": ["fused tetanus"],
            "definition": "A smooth contraction made of fused twitches.",
        },
        {"id": "motor_unit", "term": "motor unit", "aliases": [], "definition": "A neuron and its fibres."},
    ]
}

CARDS = {
    "kind": "definition",
    "items": [
        {
            "id": "defs.twitch",
            "title": "Twitch",
            "summary": "A <dfn>twitch</dfn> is one short pull of a muscle fibre.",
            "lesson": "one",
            "evidence": "strong",
            "references": ["ref_a"],
        },
        {
            "id": "defs.later",
            "title": "Later card",
            "summary": "See the `twitch` code and [twitch](https://example.org/twitch) first.",
            "body": "Then a twitch, and another twitch, adds up to tetanus.",
            "lesson": "two",
            "evidence": "strong",
            "references": ["ref_a"],
        },
        {
            "id": "defs.same_lesson",
            "title": "Same lesson",
            "summary": "Each twitch is short.",
            "lesson": "one",
            "evidence": "strong",
            "references": ["ref_a"],
        },
    ],
}


def _cell(kind, source):
    cell = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _notebook(path, *cells):
    nb = {"cells": [_cell(k, s) for k, s in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture
def course_dir(content_copy):
    (content_copy / "glossary.yaml").write_text(yaml.safe_dump(GLOSSARY), encoding="utf-8")
    (content_copy / "topics" / "defs.yaml").write_text(yaml.safe_dump(CARDS), encoding="utf-8")
    return content_copy


@pytest.fixture
def nb_dir(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    return d


def _lessons(nb_dir, one, two):
    _notebook(nb_dir / "01_one.ipynb", *one)
    _notebook(nb_dir / "02_two.ipynb", *two)


def _check(capsys, course_dir, nb_dir):
    rc = cli.main(["check", str(course_dir), "--notebooks", str(nb_dir)])
    out = capsys.readouterr()
    return rc, out.out, out.err


# Lessons that satisfy the rule: the card's <dfn> is the first use of "twitch"; the other terms
# are defined in Markdown cells where they are first used.
GOOD_ONE = [
    ("markdown", "# Lesson one\n\nA cramp is not a fault of one muscle fibre."),
    ("code", 'from cramp_lessons import show\nshow("defs.twitch", "defs.same_lesson")'),
    ("markdown", "Twitches add up: a <dfn>motor unit</dfn> fires again and again."),
]
GOOD_TWO = [
    ("markdown", "When twitches fuse, the result is <dfn>fused tetanus</dfn>; motor units do this."),
    ("code", 'quiz("causes.cold")\nshow("defs.later")'),
]


# ------------------------------------------------------------------ the first-use rule
def test_a_course_that_defines_each_term_at_its_first_use_passes(capsys, course_dir, nb_dir):
    _lessons(nb_dir, GOOD_ONE, GOOD_TWO)
    rc, out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 0, err
    assert out.startswith("ok:") and "error" not in err


def test_term_used_before_its_dfn_is_an_error_naming_lesson_term_and_place(capsys, course_dir, nb_dir):
    one = [("markdown", "Each motor unit has many fibres."), *GOOD_ONE[1:2]]
    two = [("markdown", "A <dfn>motor unit</dfn> is a neuron and its fibres; fused tetanus is smooth.")]
    _lessons(nb_dir, one, two)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 1
    line = next(ln for ln in err.splitlines() if "'motor unit'" in ln)
    assert line.startswith("error: glossary: lesson 'one' (01_one.ipynb cell 1, Markdown)")
    assert "before it is defined" in line and "lesson 02 'two'" in line and "02_two.ipynb cell 1" in line
    # Lesson one shows no <dfn> of tetanus: its alias, used in lesson two, is its first use.
    assert "'tetanus' is used (as 'fused tetanus') before it is defined; no lesson defines it" in err


def test_term_never_defined_is_reported_at_its_first_use(capsys, course_dir, nb_dir):
    _lessons(nb_dir, GOOD_ONE, [("markdown", "Fast firing makes tetanus.")])
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 1
    assert "lesson 'two' (02_two.ipynb cell 1, Markdown): 'tetanus' is used" in err
    assert "no lesson defines it: write <dfn>tetanus</dfn>" in err


def test_term_defined_twice_is_an_error(capsys, course_dir, nb_dir):
    two = [("markdown", "Again: a <dfn>motor unit</dfn>, then <dfn>fused tetanus</dfn>."), GOOD_TWO[1]]
    _lessons(nb_dir, GOOD_ONE, two)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 1
    line = next(ln for ln in err.splitlines() if "defined 2 times" in ln)
    assert "'motor unit'" in line and "01_one.ipynb cell 3" in line and "02_two.ipynb cell 1" in line


def test_a_dfn_in_two_cards_is_defined_twice_even_if_one_is_never_shown(course_dir, nb_dir):
    extra = yaml.safe_load((course_dir / "topics" / "defs.yaml").read_text())
    extra["items"][2]["summary"] = "Each <dfn>twitch</dfn> is short."
    (course_dir / "topics" / "defs.yaml").write_text(yaml.safe_dump(extra))
    _lessons(nb_dir, GOOD_ONE[:1], GOOD_TWO[:1])
    findings = check_glossary(load_course(course_dir), nb_dir)
    twice = [f for f in findings if f.level == "error" and "defined 2 times" in f.message]
    assert [f.term for f in twice] == ["twitch"]
    assert "card defs.twitch" in twice[0].message and "card defs.same_lesson" in twice[0].message


def test_showing_the_defining_card_again_later_is_not_a_second_definition(capsys, course_dir, nb_dir):
    two = [*GOOD_TWO, ("code", 'show("defs.twitch")')]
    _lessons(nb_dir, GOOD_ONE, two)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 0, err


def test_a_dfn_in_a_card_counts_and_a_use_before_the_card_does_not(capsys, course_dir, nb_dir):
    # GOOD_ONE defines "twitch" only in the card defs.twitch: passing proves a card's <dfn> counts.
    _lessons(nb_dir, GOOD_ONE, GOOD_TWO)
    assert _check(capsys, course_dir, nb_dir)[0] == 0
    early = [("markdown", "One twitch is short."), *GOOD_ONE[1:]]
    _lessons(nb_dir, early, GOOD_TWO)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 1
    assert "lesson 'one' (01_one.ipynb cell 1, Markdown): 'twitch' is used (as 'twitch')" in err
    assert "its <dfn> comes later, in lesson 01 'one' (01_one.ipynb cell 2, card defs.twitch)" in err


def test_an_alias_defines_the_term_and_an_alias_counts_as_a_use(capsys, course_dir, nb_dir):
    # GOOD_TWO defines tetanus as <dfn>fused tetanus</dfn>, and defs.later then says "tetanus".
    _lessons(nb_dir, GOOD_ONE, GOOD_TWO)
    assert _check(capsys, course_dir, nb_dir)[0] == 0
    early = [("markdown", "A muscle twitch is short."), *GOOD_ONE[1:]]
    _lessons(nb_dir, early, GOOD_TWO)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 1 and "'twitch' is used (as 'muscle twitch') before it is defined" in err


def test_words_in_code_links_and_headings_are_not_uses(capsys, course_dir, nb_dir):
    one = [
        ("markdown", "## Twitch and tetanus\n\nRun `twitch(rate=5)` or read [this](https://x.org/twitch)."),
        ("markdown", "<!-- twitch --> ![twitch](twitch.png)\n\n```\ntwitch = 1\n```"),
        *GOOD_ONE,
    ]
    _lessons(nb_dir, one, GOOD_TWO)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 0, err


def test_unknown_dfn_and_unused_term_are_warnings_not_errors(capsys, course_dir, nb_dir):
    glossary = yaml.safe_load((course_dir / "glossary.yaml").read_text())
    glossary["terms"].append(
        {"id": "soleus", "term": "soleus", "aliases": [], "definition": "A calf muscle."}
    )
    (course_dir / "glossary.yaml").write_text(yaml.safe_dump(glossary))
    two = [("markdown", "A <dfn>sarcomere</dfn> is a unit of a fibre."), *GOOD_TWO]
    _lessons(nb_dir, GOOD_ONE, two)
    rc, _out, err = _check(capsys, course_dir, nb_dir)
    assert rc == 0, err
    assert "WARNING: glossary: 'soleus' is not used in any lesson" in err
    assert "<dfn>sarcomere</dfn> is not a term of glossary.yaml" in err


def test_check_without_notebooks_prints_a_note_and_still_passes(capsys, course_dir, monkeypatch):
    import cramp_lessons.course.rendered as rendered

    monkeypatch.setattr(rendered, "default_notebooks_dir", lambda: None)
    rc = cli.main(["check", str(course_dir)])
    err = capsys.readouterr().err
    assert rc == 0 and "first-use check was skipped" in err


def test_check_refuses_a_missing_notebooks_folder(capsys, course_dir, tmp_path):
    rc = cli.main(["check", str(course_dir), "--notebooks", str(tmp_path / "nowhere")])
    assert rc == 1 and "no such notebooks folder" in capsys.readouterr().err


# ------------------------------------------------------------------ glossary.yaml
def test_glossary_file_is_validated(course_dir):
    bad = {"terms": [*GLOSSARY["terms"], {"id": "Twitch2", "term": "Cross bridge", "definition": "x"}]}
    bad["terms"].append({"id": "again", "term": "muscle-twitch", "definition": "x"})
    (course_dir / "glossary.yaml").write_text(yaml.safe_dump(bad))
    _course, errors = collect_errors(course_dir)
    problems = " | ".join(str(e) for e in errors)
    assert all(e.file == "glossary.yaml" for e in errors)
    assert "Twitch2" in problems  # ids are lowercase snake case
    (course_dir / "glossary.yaml").write_text(yaml.safe_dump({"terms": bad["terms"][:3] + bad["terms"][4:]}))
    _course, errors = collect_errors(course_dir)
    assert len(errors) == 1 and "'muscle-twitch' of 'again' is already a name of 'twitch'" in str(errors[0])


def test_shipped_glossary_has_the_course_terms():
    course = load_course()
    ids = {t.id for t in course.glossary}
    assert {"motor_unit", "motor_neuron", "tetanus", "twitch", "golgi_tendon_organ", "ib_fibre", "q10"} <= ids
    assert {"odds_ratio", "confidence_interval", "cochrane_review", "dural_sac", "serca"} <= ids
    assert {"hypocalcaemia", "tetany", "contracture", "dystonia", "acupressure_point"} <= ids
    tetanus = next(t for t in course.glossary if t.id == "tetanus")
    assert "infection" in tetanus.definition  # told apart from the disease


# ------------------------------------------------------------------ reading order and matching
def test_reading_order_is_cells_in_order_and_cards_from_show_calls(course_dir, nb_dir):
    _lessons(nb_dir, GOOD_ONE, GOOD_TWO)
    segs = lesson_segments(load_course(course_dir), nb_dir)
    assert list(segs) == ["one", "two"]
    assert [(s.cell, s.kind, s.topic) for s in segs["one"]] == [
        (1, "markdown", None),
        (2, "card", "defs.twitch"),
        (2, "card", "defs.same_lesson"),
        (3, "markdown", None),
    ]
    # quiz("causes.cold") shows no card, although causes.cold is a topic id.
    assert [s.topic for s in segs["two"] if s.kind == "card"] == ["defs.later"]


def test_shown_topics_reads_show_calls_only(fixture_course):
    code = (
        "%matplotlib inline\n"
        'quiz("causes.cold")\n'
        'x = show_topic("redflags.chest")\n'
        'cramp_lessons.show("causes.cold", "not.a.topic", heading="####")\n'
    )
    assert shown_topics(code, fixture_course) == ["redflags.chest", "causes.cold"]


def test_matcher_takes_plurals_hyphens_and_the_longest_name():
    from cramp_lessons.course.model import GlossaryTerm

    m = Matcher(
        [
            GlossaryTerm(id="cross_bridge", term="cross-bridge", definition="x"),
            GlossaryTerm(id="reflex", term="reflex", definition="x"),
            GlossaryTerm(
                id="motor_neuron", term="motor neuron", aliases=["alpha motor neuron"], definition="x"
            ),
        ]
    )
    found = [
        (t, mt.group(0)) for t, mt in m.finditer("Crossbridges, cross bridge; reflexes. Alpha motor neurons.")
    ]
    assert found == [
        ("cross_bridge", "Crossbridges"),
        ("cross_bridge", "cross bridge"),
        ("reflex", "reflexes"),
        ("motor_neuron", "Alpha motor neurons"),
    ]
    assert [t for t, _ in m.finditer("reflexology, twitching, premotor neuron")] == []


# ------------------------------------------------------------------ hover text on cards
def test_cards_explain_a_term_on_hover_only_after_its_definition_lesson(course_dir, nb_dir):
    _lessons(nb_dir, GOOD_ONE, GOOD_TWO)
    course = load_course(course_dir)
    assert definition_lessons(course, nb_dir) == {"twitch": "one", "motor_unit": "one", "tetanus": "two"}

    # Lesson two's card: twitch and motor unit were defined in lesson one.
    later = topic_markdown(course.topics["defs.later"], course, notebooks_dir=nb_dir)
    title = "One short &quot;pull&quot; of a muscle fibre after one nerve signal; &lt; a second &amp; gone."
    assert later.count(f'<abbr title="{title}">twitch</abbr>') == 1  # only its first use in the card
    assert later.count("twitch") == 5  # code, link text and URL untouched; the second use stays plain
    assert "`twitch`" in later and "[twitch](https://example.org/twitch)" in later
    assert "Then a <abbr" in later  # the first plain use, after the code and the link, is the one wrapped
    assert "<abbr" not in later.split("tetanus")[-1] and "adds up to tetanus" in later  # defined in two

    # A card of lesson one, the definition lesson itself: nothing is wrapped.
    same = topic_markdown(course.topics["defs.same_lesson"], course, notebooks_dir=nb_dir)
    assert "<abbr" not in same
    # The same card shown in lesson two is read after the definition: it is wrapped there.
    shown_later = topic_markdown(
        course.topics["defs.same_lesson"], course, lesson="two", notebooks_dir=nb_dir
    )
    assert shown_later.count("<abbr") == 1
    # The defining card keeps its <dfn>, unwrapped.
    defining = topic_markdown(course.topics["defs.twitch"], course, lesson="two", notebooks_dir=nb_dir)
    assert "<dfn>twitch</dfn>" in defining and "<abbr" not in defining


def test_annotate_leaves_tags_code_and_links_alone():
    from cramp_lessons.course.model import GlossaryTerm

    terms = [GlossaryTerm(id="twitch", term="twitch", definition="A short pull.")]
    text = (
        '<span class="twitch">x</span> <a href="#">twitch</a> <dfn>twitch</dfn> <code>twitch</code>\n'
        "### A twitch heading\n\n```\ntwitch\n```\nhttps://x.org/twitch then twitch."
    )
    out = annotate(text, terms)
    assert out == text.replace("then twitch.", 'then <abbr title="A short pull.">twitch</abbr>.')


def test_glossary_lists_the_terms_a_lesson_uses(course_dir, nb_dir):
    _lessons(nb_dir, GOOD_ONE, GOOD_TWO)
    course = load_course(course_dir)
    text = glossary_markdown(course, "two", nb_dir)
    assert text.startswith("### Words in this lesson")
    assert "- **tetanus**: A smooth contraction made of fused twitches." in text
    assert "**twitch**" in text and "**motor unit**" in text
    with pytest.raises(KeyError, match="no lesson 'three'"):
        glossary_markdown(course, "three", nb_dir)


def test_glossary_helper_is_exported_like_show_and_quiz():
    import cramp_lessons
    import cramp_lessons.course.terms  # noqa: F401 - the logic module must not shadow the helper

    assert "glossary" in cramp_lessons.__all__
    from cramp_lessons import glossary

    assert callable(glossary) and glossary.__module__ == "cramp_lessons.widgets.content"
