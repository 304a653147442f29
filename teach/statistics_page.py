"""What the statistics page draws: `QuizStatistics` (teach.statistics) turned into charts and
words. Kept apart from the formulas so they stay testable without templates."""

from __future__ import annotations

from lessons.markdown import markdown_text
from quizzes import misconception_words
from srm_trainer.code_spans import without_backticks
from teach.charts import Chart, bar_chart
from teach.statistics import SCORE_BANDS, QuestionStats, QuizStatistics, Tally


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def count_text(tally: Tally) -> str:
    return f"{tally.count} of {tally.total} ({percent(tally.share)})"


def question_label(q: QuestionStats) -> str:
    """The prompt's words, as the quiz's page lists it: shown raw, `**explicit deny**` and
    code spans' backticks were printed as typed."""
    return f"Q{q.position}. {markdown_text(q.question.prompt, 60)}"


def question_note(q: QuestionStats) -> str:
    """What became of a question since learners answered it, said beside its label: the page
    numbered a question taken out of the quiz after the quiz's own (a "Q5" of a quiz of four)
    and an archived one as any other, where the quiz's page marks it."""
    notes = []
    if q.taken_out:
        notes.append("taken out of the quiz since")
    if q.question.archived:
        notes.append("archived: not in new attempts")
    return "; ".join(notes)


def score_bands(bands: list[int]) -> list[tuple[str, int]]:
    """(band, attempts) for 0–9%, 10–19%, …, 90–100% (a total of 100% joins the top band),
    from the attempts the database counted in each (`teach.statistics.band_of`)."""
    width = 100 // SCORE_BANDS
    return [
        (f"{n * width}–{n * width + width - (0 if n == SCORE_BANDS - 1 else 1)}%", count)
        for n, count in enumerate(bands)
    ]


def score_chart(stats: QuizStatistics) -> Chart:
    rows = [
        (band, count / stats.attempts, f"{count} attempt{'s' if count != 1 else ''}", "bar-plain")
        for band, count in score_bands(stats.bands)
    ]
    return bar_chart(chart_id="chart-scores", title="Attempts by total score", rows=rows)


def facility_chart(stats: QuizStatistics) -> Chart:
    rows = [
        (f"Q{q.position}", q.facility or 0.0, percent(q.facility), "bar-plain")
        for q in stats.questions
    ]
    return bar_chart(
        chart_id="chart-facility", title="Facility: mean score per question", rows=rows
    )


def discrimination_text(q: QuestionStats) -> str:
    if q.discrimination is None:
        return "too few attempts"
    return f"{q.discrimination:+.2f}".replace("-", "−")


def discrimination_chart(stats: QuizStatistics) -> Chart:
    rows = [
        (
            f"Q{q.position}",
            q.discrimination or 0.0,
            discrimination_text(q),
            {"negative": "bar-negative", "weak": "bar-weak"}.get(q.flag, "bar-plain"),
        )
        for q in stats.questions
    ]
    return bar_chart(
        chart_id="chart-discrimination",
        title="Discrimination index per question (−1 to +1)",
        rows=rows,
        signed=True,
    )


def tally_chart(q: QuestionStats, title: str, tallies: list[Tally], *, suffix: str) -> Chart:
    rows = []
    for t in tallies:
        marked = q.detail in ("choices", "decisions") and t.key
        label = without_backticks(t.short or t.label)  # an SVG label holds no <code>
        label = f"✓ {label}" if marked else label
        text = count_text(t) + (" (right answer)" if marked else "")
        missed = q.detail in ("least_privilege", "route_findings")
        css = "bar-key" if marked else "bar-miss" if missed else "bar-plain"
        # beside the bar the ✓ says "right answer"; the description says it in words
        rows.append((label, t.share or 0.0, text, css, count_text(t)))
    return bar_chart(chart_id=f"chart-q{q.position}-{suffix}", title=title, rows=rows)


DETAIL_TITLES = {
    "choices": "How often each choice was picked",
    "items": "How often each item was placed right",
    "decisions": "How often each decision was chosen",
    "least_privilege": "How often each required request came out wrong",
    "route_findings": "How often each sample finding was routed wrong",
}


def question_chart(q: QuestionStats) -> Chart | None:
    if not q.tallies or not q.answered:
        return None
    title = f"Q{q.position}: {DETAIL_TITLES[q.detail].lower()}"
    return tally_chart(q, title, q.tallies, suffix="detail")


def misconception_chart(stats: QuizStatistics) -> Chart | None:
    if not stats.misconceptions:
        return None
    rows = [
        (
            misconception_words.words(m.tag),  # as the table beside it reads the tag
            m.learners / stats.learners,
            f"{m.learners} learner{'s' if m.learners != 1 else ''}",
            "bar-plain",
        )
        for m in stats.misconceptions[:10]
    ]
    return bar_chart(
        chart_id="chart-misconceptions",
        title="Misconceptions: learners whose wrong answers carried each",
        rows=rows,
    )


def page_context(stats: QuizStatistics) -> dict:
    """The template's context: the statistics and, when there is anything to draw, charts."""
    if not stats.attempts:
        return {"stats": stats, "questions": []}
    questions = [
        {
            "stats": q,
            "chart": question_chart(q),
            "label": question_label(q),
            "note": question_note(q),
        }
        for q in stats.questions
    ]
    return {
        "stats": stats,
        "questions": questions,
        "score_chart": score_chart(stats),
        "facility_chart": facility_chart(stats) if stats.questions else None,
        "discrimination_chart": discrimination_chart(stats) if stats.questions else None,
        "misconception_chart": misconception_chart(stats),
    }
