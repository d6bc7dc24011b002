"""A card whose parts differ in strength shows each part's evidence tag (medical review)."""

import re

import pytest
import yaml

from cramp_lessons.course.model import load_course
from cramp_lessons.course.rendered import card_markdown
from cramp_lessons.practical.planner import make_plan, plan_html, plan_markdown
from cramp_lessons.widgets.content import badge, topic_markdown

BADGE = {tag: badge(e) for tag, e in load_course().evidence.items()}

PARTS = [
    {"claim": "That cold triggers cramps is untested.", "evidence": "unproven"},
    {"claim": "Cold slows muscle.", "evidence": "strong", "references": ["ref_b"], "note": "Physiology."},
    {"claim": "A cold swim needs a buddy.", "evidence": "traditional practice"},
]


@pytest.fixture
def parts_course(content_copy):
    f = content_copy / "topics" / "causes.yaml"
    data = yaml.safe_load(f.read_text())
    data["items"][0].update(parts=PARTS, evidence_note="Kept beside the parts.")
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_course(content_copy)


def _card(course, tid, tmp_path):
    return topic_markdown(course.topic(tid), course, notebooks_dir=tmp_path)


def test_a_card_with_parts_shows_one_badge_per_part_in_order(parts_course, tmp_path):
    md = _card(parts_course, "causes.cold", tmp_path)
    title, listing, note, *_rest = md.split("\n\n")
    assert title == "### Cold"
    assert listing.splitlines() == [
        "**How sure is each part?**",
        f"- *{BADGE['unproven']}*: That cold triggers cramps is untested.",
        f"- *{BADGE['strong']}*: Cold slows muscle. Physiology.",
        f"- *{BADGE['traditional practice']}*: A cold swim needs a buddy.",
    ]
    assert note == "*About the evidence:* Kept beside the parts."
    # The card's single badge line is replaced: each badge shows once, in the list.
    assert md.count(BADGE["unproven"]) == 1
    # A part's source is listed with the card's own.
    sources = md.split("<summary>Sources</summary>", 1)[1]
    assert "Author A." in sources and "Author B." in sources


def test_a_card_without_parts_keeps_its_single_badge(fixture_course, tmp_path):
    md = _card(fixture_course, "redflags.chest", tmp_path)
    assert md.split("\n\n")[1] == f"*{BADGE['strong']}*"
    assert "How sure is each part?" not in md


def test_the_cards_own_words_include_its_parts(parts_course):
    """What the glossary and readability checks read (rendered.card_markdown) has each part's words."""
    blocks = card_markdown(parts_course.topic("causes.cold")).split("\n\n")
    assert blocks[:4] == [
        "### Cold",
        "- That cold triggers cramps is untested.\n- Cold slows muscle. Physiology.\n- A cold swim needs a buddy.",
        "Kept beside the parts.",
        "Cold slows muscle.",  # then the summary, as on the card
    ]


def test_the_plan_lists_each_parts_tag():
    course = load_course()
    t = course.topic("prevention.exercise")
    assert [p.evidence for p in t.parts] == ["unproven", "moderate"]
    plan = make_plan(["athlete"], course)
    md = plan_markdown(plan, course)
    assert f"  - *Unproven:* {t.parts[0].claim}" in md
    assert f"  - *Moderate evidence:* {t.parts[1].claim} {t.parts[1].note}" in md
    assert f"<span class='ev'>Moderate evidence: {t.parts[1].claim}" in plan_html(plan, course)


# ------------------------------------------------------------------ shipped content
OTHER_PARTS = re.compile(r"other parts?\b|the badge rates", re.IGNORECASE)


def test_no_shipped_evidence_note_describes_other_parts():
    """Every card whose note listed "other parts" of different strength now lists them as parts."""
    left = [
        t.id for t in load_course().topics.values() if t.evidence_note and OTHER_PARTS.search(t.evidence_note)
    ]
    assert left == []


def test_shipped_cards_with_parts_follow_the_rules():
    course = load_course()
    with_parts = [t for t in course.topics.values() if t.parts]
    assert len(with_parts) >= 20
    for t in with_parts:
        assert t.evidence == t.parts[0].evidence, t.id
        assert len({p.evidence for p in t.parts}) >= 2, t.id
        for p in t.parts:
            assert p.references or p.evidence in ("unproven", "traditional practice"), (t.id, p.claim)
            assert all(r in course.references for r in p.references), (t.id, p.claim)


@pytest.mark.parametrize(
    "tid, tags",
    [
        ("causes.arteries", ["unproven", "strong", "strong"]),
        ("causes.pregnancy", ["weak", "unproven", "weak", "traditional practice", "strong"]),
        ("relief.swimming", ["unproven", "strong", "moderate"]),
        ("relief.toe_press", ["unproven", "moderate"]),
    ],
)
def test_cards_the_review_named_carry_the_sheets_tags(tid, tags):
    t = load_course().topic(tid)
    assert [p.evidence for p in t.parts] == tags
    # No part is rated above "unproven" without a source.
    assert all(p.references for p in t.parts if p.evidence not in ("unproven", "traditional practice"))


def test_arteries_parts_cite_the_guideline_and_merck():
    parts = load_course().topic("causes.arteries").parts
    assert "true cramps" in parts[0].claim and parts[0].evidence == "unproven"
    assert parts[1].references == ["aha_acc_pad2016"] and "claudication" in parts[1].claim
    assert parts[2].references == ["merck_muscle_cramps"] and "1-2 days" in parts[2].claim
