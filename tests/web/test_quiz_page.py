"""A quiz on a website page: answered with the keyboard alone, wrongly and then rightly, it shows the
hint, then the feedback, explanation, evidence and sources; options come in this learner's own order,
never the author's, the same after a reload; axe-core finds nothing serious."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from cramp_lessons.course.grading import grade
from tests.web.conftest import ORIGIN

BANKS = ("basics", "calcium")


def serious_violations(page, where: str) -> list[str]:
    found = Axe().run(page, context=where, options={"resultTypes": ["violations"]}).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def shown_orders(page) -> dict[str, list[str]]:
    """Each question's choices in the order the page shows them."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.cramp-question')].map((q) => {
            const first = q.querySelector('select');
            const values = first ? [...first.options].map((o) => o.value).filter(Boolean)
                : [...q.querySelectorAll('input[type=radio], input[type=checkbox]')].map((i) => i.value);
            return [q.dataset.question, values];
        }))"""
    )


def test_keyboard_wrong_then_right(site, course, web_data):
    page = site.page()
    page.goto(f"{ORIGIN}/quiz-basics.html")
    qid = "basics.q10"  # single choice with a hint
    q = course.questions[qid]
    right = q.right_answer()
    wrong = next(o.id for o in q.options if not o.correct)
    box = page.locator(f'[data-question="{qid}"]')
    radios = box.locator("input[type=radio]")
    order = [radios.nth(k).get_attribute("value") for k in range(radios.count())]

    def choose(option: str) -> None:
        # Arrow keys move the choice within a radio group; Tab leaves it for the Check button.
        radios.first.focus()
        page.keyboard.press("Space")
        for _ in range(order.index(option)):
            page.keyboard.press("ArrowDown")
        assert box.locator("input:checked").get_attribute("value") == option
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Check"
        page.keyboard.press("Enter")

    choose(wrong)
    feedback = box.locator(".cramp-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    text = feedback.inner_text()
    assert "Not quite" in text and q.hint in text and "Try again" in text
    assert q.explanation not in text  # the hint first, not the answer
    # The focus is on Try again (Check is disabled while the answer stands).
    assert page.evaluate("document.activeElement.textContent") == "Try again"
    page.keyboard.press("Enter")
    assert feedback.inner_text() == ""

    choose(right)
    text = feedback.inner_text()
    py = grade(q, right, course)
    assert "✔ Correct" in text  # a word and a symbol, not a colour alone
    for line in [*py.feedback, q.explanation, course.evidence[q.evidence].words]:
        assert line in text
    assert "Reached with the hint: it counts 50%." in text
    # The sources open from the keyboard.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Sources"
    page.keyboard.press("Enter")
    for citation in py.references:
        assert box.locator(".cramp-sources li", has_text=citation).is_visible()
    assert "Score so far: 0.5 of 1 answered" in page.locator(".cramp-score").inner_text()
    assert not serious_violations(page, ".cramp-web-quiz")
    assert not site.console, site.console


def test_every_control_has_a_name(site, course):
    page = site.page()
    page.goto(f"{ORIGIN}/quiz-{'+'.join(BANKS)}.html")
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('.cramp-web-quiz input, .cramp-web-quiz select, .cramp-web-quiz button')]
            .filter((c) => !(c.labels && c.labels.length) && !c.textContent.trim() && !c.getAttribute('aria-label'))
            .map((c) => c.outerHTML)"""
    )
    assert not unnamed
    assert page.locator(".cramp-question").count() == sum(len(course.bank(b).questions) for b in BANKS)
    assert not serious_violations(page, "main")
    assert not site.console, site.console


def test_options_in_the_learners_own_order(site, chromium, web_data):
    page = site.page()
    page.goto(f"{ORIGIN}/quiz-{'+'.join(BANKS)}.html")
    seed = page.evaluate("localStorage.getItem('cramp-lessons.seed')")
    assert seed and len(seed) == 16
    questions = web_data["questions"]
    orders = {q: o for q, o in shown_orders(page).items() if questions[q]["choices"]}  # Fact, Myth stay
    authors = {qid: questions[qid]["choices"] for qid in orders}
    # The page shows what CrampQuiz.choiceOrder gives for this learner.
    want = page.evaluate(
        """([qids, seed]) => Object.fromEntries(qids.map((id) => { const Q = window.CrampQuiz;
            return [id, Q.choiceOrder(Q.variantFor(Q.data().questions[id], seed), seed)]; }))""",
        [list(orders), seed],
    )
    assert orders == {qid: o for qid, o in want.items()}
    assert any(orders[q] != authors[q] for q in orders if authors[q]), "every question in the author's order"
    solved = [q for q in orders if questions[q]["reshuffle"] and orders[q] == authors[q]]
    assert not solved, f"shown already solved: {solved}"
    # The variant shown is this learner's draw.
    variant = page.evaluate(
        "([id, seed]) => window.CrampQuiz.variantFor(window.CrampQuiz.data().questions[id], seed).prompt",
        ["calcium.q15", seed],
    )
    assert page.locator('[data-question="calcium.q15"] .cramp-prompt').inner_text().endswith(variant)

    page.reload()
    assert page.evaluate("localStorage.getItem('cramp-lessons.seed')") == seed
    assert {q: shown_orders(page)[q] for q in orders} == orders  # the same learner: the same order

    other = chromium.new_context()
    other.route("**/*", site._serve)
    p2 = other.new_page()
    p2.goto(f"{ORIGIN}/quiz-{'+'.join(BANKS)}.html")
    assert {q: shown_orders(p2)[q] for q in orders} != orders  # another learner: another order
    other.close()
    assert not site.console, site.console
