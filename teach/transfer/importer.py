"""Check a file's drafts with the models' own validation, then write them all, or nothing.

`plan()` builds unsaved rows and refuses the whole file if any question fails the checks
`Question.clean()` runs (each kind's `problems()`), a scenario fails `Scenario.clean()`, or the
quiz fails `Quiz.clean()`; every refusal names its line. It writes nothing, so the preview
calls it too. `run()` plans again and writes in one transaction: a file that became wrong
between preview and confirm (a slug taken meanwhile) is planned afresh, never half-imported.

Slugs that are already taken get the next free one (`iam-basics-2`), and the preview lists
each rename. An import never updates a row already here: a question whose slug is taken is a
new question, so the rule for choices and items reworded in a question learners answered
(`quizzes.kinds.keep_ids`, `teach.editors.assign_ids`) has nothing to apply to, and the
questions already here, their answers and statistics are as they were. Imported rows belong
to the importing instructor and are `authored`, so `load_curriculum` never touches them. An
imported quiz is always a draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from lessons.models import Lesson, Module, Scenario, Source
from quizzes import kinds
from quizzes.draw_rules import MAX_DRAWN
from quizzes.entries import listing_refused
from quizzes.models import RESERVED_QUIZ_SLUGS, Question, Quiz, QuizQuestion
from quizzes.results_version import results_changed
from srm_trainer.iam import PolicyError
from srm_trainer.iam.jsontext import load_json
from srm_trainer.netlab.waf import MAX_REQUESTS as WAF_MAX_REQUESTS
from srm_trainer.netlab.waf import MAX_RULE_STEPS
from teach.bank import banks_refused, misconceptions_refused, tags_refused
from teach.forms import (
    MAX_EXPLANATION_CHARS,
    MAX_MISCONCEPTION_LENGTH,
    MAX_PROMPT_CHARS,
    MAX_SCENARIO_TEXT,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    TAG,
)
from teach.services import hold_entries, question_set_tags
from teach.transfer import gift, json_format
from teach.transfer.drafts import (
    MAX_CHALLENGE_REQUESTS,
    MAX_CHALLENGES,
    Bundle,
    Located,
    QuestionDraft,
    QuizDraft,
    ScenarioDraft,
    TransferError,
    quoted,
)

FORMATS = ("json", "gift")
DEFAULT_CATEGORY = "imported"
# Rule evaluations (requests × rules) of all the file's WAF questions together: one lab case's
# worth. Each question may hold a twentieth of it (`netlab.waf.QUESTION_SHARE`); 150 of
# the lab's largest burst once made one preview cost 9 s of CPU, and its confirm as much again.
MAX_WAF_STEPS = MAX_RULE_STEPS


@dataclass
class Plan:
    """What an import will create, as unsaved rows, with what the preview shows."""

    questions: list[Question]
    # Each question's bank tags, in the same order: set once the question is saved (`write`).
    tags: list[list[str]] = field(default_factory=list)
    quiz: Quiz | None = None
    into: Quiz | None = None
    new_scenarios: list[Scenario] = field(default_factory=list)
    reused_scenarios: list[Scenario] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    name: str = ""


def detect_format(text: str) -> str:
    """JSON when the text starts with `{` (a GIFT file never does) or is JSON all through (a
    pasted `[1, 2, 3]`: told in JSON's terms that it is not our format, not GIFT's), else GIFT.
    A GIFT file fails `json.loads` at its first word, so the try costs next to nothing."""
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return "json"
    try:
        load_json(normalize(text), what="file", max_depth=json_format.MAX_DEPTH)
    except PolicyError as exc:
        # Too deep or a number too long is JSON all the same: said in JSON's words.
        return "gift" if exc.code == "invalid_json" else "json"
    return "json"


def read(text: str, fmt: str) -> Bundle:
    text = normalize(text)
    if fmt == "json":
        return json_format.parse(text)
    if fmt == "gift":
        return gift.parse(text)
    raise TransferError(f"unknown format {quoted(fmt)} (expected json or gift)")


def normalize(text: str) -> str:
    """One kind of line ending and no byte-order mark: what a pasted form field, an uploaded
    file and a re-posted preview all become, so line numbers agree between them."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TransferError(
            "the file is not UTF-8 text (save it as UTF-8 and try again)", line
        ) from None


# --- planning -----------------------------------------------------------------------------


def plan(bundle: Bundle, *, owner, into: Quiz | None = None) -> Plan:
    """Unsaved rows for everything `bundle` describes, all checked; TransferError listing
    every problem (with its line) otherwise. Reads the database, writes nothing."""
    if not bundle.questions and bundle.quiz is None:
        raise TransferError("the file holds no questions")
    _check_engine_budget(bundle)
    result = Plan(questions=[], into=into, warnings=list(bundle.warnings), name=bundle.name)
    errors: list[Located] = []
    modules = {m.slug: m for m in Module.objects.all()}
    lessons = {le.path: le for le in Lesson.objects.select_related("module")}
    scenarios = _Scenarios(result, errors)
    default_category = DEFAULT_CATEGORY
    if into is not None:
        default_category = into.draw_category or (into.module.slug if into.module else "")
        default_category = default_category or DEFAULT_CATEGORY
    for draft in bundle.questions:
        question = _question(draft, owner, modules, lessons, scenarios, result, errors)
        question.category = question.category or default_category
        _check_question(draft, question, errors)
        result.questions.append(question)
        result.tags.append(list(draft.tags))
    if bundle.quiz is not None:
        if into is not None:
            result.warnings.append(
                f"The file's quiz settings (“{bundle.quiz.title}”) are not used: its questions "
                f"are added to “{into.title}”."
            )
        else:
            result.quiz = _quiz(bundle.quiz, owner, modules, result, errors)
    _check_listed(bundle, result, errors)
    refused = banks_refused(getattr(owner, "pk", None), {q.category for q in result.questions})
    if refused:
        errors.append(Located(refused))
    refused = tags_refused(getattr(owner, "pk", None), {t for tags in result.tags for t in tags})
    if refused:
        errors.append(Located(refused))
    refused = misconceptions_refused(
        getattr(owner, "pk", None),
        {t for q in result.questions for t in q.misconceptions if isinstance(t, str)},
    )
    if refused:
        errors.append(Located(refused))
    if errors:
        # Each once: a new scenario is checked on its own (`_Scenarios.get`) and again by its
        # question's kind, which says the same sentence at the same place.
        raise TransferError(list(dict.fromkeys(errors)))
    _free_slugs(Question, result.questions, result.warnings, "Question")
    if result.quiz is not None:
        _free_slugs(Quiz, [result.quiz], result.warnings, "Quiz", reserved=RESERVED_QUIZ_SLUGS)
    _free_slugs(Scenario, result.new_scenarios, result.warnings, "Scenario")
    return result


def _check_engine_budget(bundle: Bundle) -> None:
    """Refuse, before any engine run, a file whose challenges would cost unbounded time."""
    challenges = [q for q in bundle.questions if q.type == "least_privilege"]
    if len(challenges) > MAX_CHALLENGES:
        raise TransferError(
            f"the file has {len(challenges)} least-privilege challenges; one import checks at "
            f"most {MAX_CHALLENGES} (split the file)",
            challenges[MAX_CHALLENGES].line,
        )
    requests = 0
    for q in challenges:
        challenge = q.data.get("challenge") if isinstance(q.data, dict) else None
        if isinstance(challenge, dict):
            for key in ("must_allow", "must_deny"):
                entries = challenge.get(key)
                requests += len(entries) if isinstance(entries, list) else 0
        if requests > MAX_CHALLENGE_REQUESTS:
            raise TransferError(
                f"the challenges list more than {MAX_CHALLENGE_REQUESTS} requests in all "
                "(must_allow and must_deny); split the file",
                q.line,
            )
    steps = 0
    for q in bundle.questions:
        if q.type == "waf_rule" and isinstance(q.data, dict):
            steps += _waf_steps(q.data.get("case"))
            if steps > MAX_WAF_STEPS:
                raise TransferError(
                    f"the WAF questions' requests × rules come to more than {MAX_WAF_STEPS:,} "
                    "rule evaluations in all (a burst repeated in many questions); split the file",
                    q.line,
                )


def _waf_steps(case: object) -> int:
    """Requests (each `repeat` counted) × rules of a WAF case, read before the engine runs:
    what its evaluation costs (`netlab.waf._check_budget`). Malformed parts count as one; the
    question's own check says what is wrong with them."""
    if not isinstance(case, dict):
        return 0
    rows = case.get("requests")
    count = 0
    if isinstance(rows, list):
        for row in rows:
            repeat = row.get("repeat", 1) if isinstance(row, dict) else 1
            ok = isinstance(repeat, int) and not isinstance(repeat, bool)
            count += min(max(repeat, 1), WAF_MAX_REQUESTS) if ok else 1
    else:
        count = 1
    acl = case.get("web_acl")
    rules = acl.get("Rules") if isinstance(acl, dict) else None
    return count * max(1, len(rules) if isinstance(rules, list) else 1)


def _question(draft, owner, modules, lessons, scenarios, result, errors) -> Question:
    module = modules.get(draft.module) if draft.module else None
    if draft.module and module is None:
        result.warnings.append(
            f"Line {draft.line}: question {quoted(draft.slug)}: there is no module {quoted(draft.module)} "
            "here, so the question is not linked to a module."
        )
    lesson = lessons.get(draft.lesson) if draft.lesson else None
    if draft.lesson and lesson is None:
        result.warnings.append(
            f"Line {draft.line}: question {quoted(draft.slug)}: there is no lesson {quoted(draft.lesson)} "
            "here, so the question is not linked to a lesson."
        )
    if module is None and result.into is not None and not draft.module:
        module = result.into.module
    question = Question(
        slug=draft.slug,
        type=draft.type,
        category=draft.category,
        module=module,
        lesson=lesson,
        prompt=draft.prompt,
        explanation=draft.explanation,
        misconceptions=list(draft.misconceptions),
        data=draft.data,
        ask_statement=draft.ask_statement,
        archived=draft.archived,
        level=draft.level,
        owner=owner,
        source=Source.AUTHORED,
    )
    kind = kinds.get(draft.type)
    if kind is not None and kind.uses_scenario:
        if draft.scenario is None:
            line, column = draft.where(())
            errors.append(
                Located(
                    f"question {quoted(draft.slug)}: a {draft.type} question needs its scenario",
                    line,
                    column,
                )
            )
        else:
            question.scenario = scenarios.get(draft, draft.scenario)
    elif draft.scenario is not None:
        line, column = draft.where(("scenario",))
        errors.append(
            Located(
                f"question {quoted(draft.slug)}: only a policy-decision question has a scenario",
                line,
                column,
            )
        )
    return question


def _text_lengths(draft: QuestionDraft) -> list[tuple[tuple, str, int, int]]:
    """(path, name, length, the most) of each Markdown text in `draft` over what its editor
    takes: a Markdown text costs CPU per character on every page that shows it."""
    texts: list[tuple[tuple, str, str, int]] = [
        (("prompt",), "'prompt'", draft.prompt, MAX_PROMPT_CHARS),
        (("explanation",), "'explanation'", draft.explanation, MAX_EXPLANATION_CHARS),
    ]
    if draft.scenario is not None:
        for key in ("situation", "explanation"):
            text = str(getattr(draft.scenario, key))
            texts.append((("scenario", key), f"its scenario's '{key}'", text, MAX_SCENARIO_TEXT))
    return [(path, name, len(t), most) for path, name, t, most in texts if len(t) > most]


def _too_long_texts(scenario: Scenario) -> list[str]:
    return [
        name
        for name in ("situation", "explanation")
        if len(getattr(scenario, name) or "") > MAX_SCENARIO_TEXT
    ]


def _check_question(draft: QuestionDraft, question: Question, errors: list[Located]) -> None:
    """The kind's own validation (what `Question.clean()` runs) and the fields' checks."""
    what = f"question {quoted(draft.slug)}"
    too_long = _text_lengths(draft)
    for path, name, length, most in too_long:
        line, column = draft.where(path)
        errors.append(
            Located(
                f"{what}: {name} is {length:,} characters; the question editor takes at most "
                f"{most:,}",
                line,
                column,
            )
        )
    for problem in question.problems():
        if draft.plain_problems and problem.path[-1:] == ("id",):
            continue  # ids made from the text: the repeated text is the problem said
        # a question's scenario and type are its own keys, not keys of its `data`
        path = (
            (problem.field,) if problem.field in ("scenario", "type") else ("data", *problem.path)
        )
        line, column = draft.where(path)
        message = problem.in_words() if draft.plain_problems else problem.message
        errors.append(Located(f"{what}: {message}", line, column))
    try:
        # A text said too long above, at its own line, is not said again by the model's check.
        said = [path[0] for path, *_ in too_long if len(path) == 1]
        if question.kind is None:  # "unknown type 'essay'" is said above, with the kinds
            said.append("type")
        question.clean_fields(exclude=["owner", "module", "lesson", "scenario", *said])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            line, column = draft.where((name,))
            errors.extend(Located(f"{what}: '{name}': {m}", line, column) for m in messages)
    # More tags than a question takes are said once, and not each (300 questions of 100 bad
    # tags each cost a preview 4.6 s of CPU); misconception tags have the editor's limit too.
    tags = list(draft.tags)
    if len(tags) > MAX_TAGS:
        line, column = draft.where(("tags",))
        errors.append(
            Located(f"{what}: at most {MAX_TAGS} bank tags, not {len(tags)}", line, column)
        )
        tags = []
    misconceptions = list(question.misconceptions)
    if len(misconceptions) > MAX_TAGS:
        line, column = draft.where(("misconceptions",))
        errors.append(
            Located(
                f"{what}: at most {MAX_TAGS} misconception tags, not {len(misconceptions)}",
                line,
                column,
            )
        )
        misconceptions = []
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH or not TAG.match(tag):
            line, column = draft.where(("tags",))
            errors.append(
                Located(
                    f"{what}: the bank tag {quoted(tag)} must be lowercase words joined by hyphens, "
                    f"at most {MAX_TAG_LENGTH} characters",
                    line,
                    column,
                )
            )
    for tag in misconceptions:
        if len(tag) > MAX_MISCONCEPTION_LENGTH or not TAG.match(tag):
            line, column = draft.where(("misconceptions",))
            errors.append(
                Located(
                    f"{what}: the misconception tag {quoted(tag)} must be lowercase words joined by "
                    f"hyphens, at most {MAX_MISCONCEPTION_LENGTH} characters",
                    line,
                    column,
                )
            )


class _Scenarios:
    """Scenarios embedded in policy questions: one row per slug in the file; an existing
    scenario with the same slug and the same content is used as it is, a different one makes
    a new scenario (with a free slug)."""

    def __init__(self, result: Plan, errors: list[Located]) -> None:
        self.result, self.errors = result, errors
        self.by_slug: dict[str, tuple[Scenario, QuestionDraft]] = {}

    def get(self, draft: QuestionDraft, s: ScenarioDraft) -> Scenario | None:
        """The row for `s`, the scenario of `draft`."""
        if s.slug in self.by_slug:
            scenario, first = self.by_slug[s.slug]
            if (scenario.title, scenario.situation, scenario.explanation, scenario.case) != (
                s.title,
                s.situation,
                s.explanation,
                s.case,
            ):
                line, column = draft.where(("scenario",))
                self.errors.append(
                    Located(
                        f"question {quoted(draft.slug)}: its scenario {quoted(s.slug)} differs from the one "
                        f"of the same slug in question {quoted(first.slug)}",
                        line,
                        column,
                    )
                )
            return scenario
        existing = Scenario.objects.filter(slug=s.slug).first()
        if existing is not None and (
            existing.title,
            existing.situation,
            existing.explanation,
            existing.case,
        ) == (s.title, s.situation, s.explanation, s.case):
            self.by_slug[s.slug] = (existing, draft)
            self.result.reused_scenarios.append(existing)
            return existing
        scenario = Scenario(
            slug=s.slug,
            title=s.title,
            situation=s.situation,
            explanation=s.explanation,
            case=s.case,
            source=Source.AUTHORED,
        )
        self.by_slug[s.slug] = (scenario, draft)
        what = f"question {quoted(draft.slug)}: scenario {quoted(s.slug)}"
        line, column = draft.where(("scenario",))
        problem = scenario.problem()
        if problem:
            self.errors.append(Located(f"{what}: {problem}", line, column))
        try:  # a text too long is said with the question's (`_text_lengths`), at its line
            scenario.clean_fields(exclude=_too_long_texts(scenario))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.errors.extend(
                    Located(f"{what}: '{name}': {m}", line, column) for m in messages
                )
        self.result.new_scenarios.append(scenario)
        return scenario


def _quiz(d: QuizDraft, owner, modules, result: Plan, errors: list[Located]) -> Quiz:
    module = modules.get(d.module) if d.module else None
    if d.module and module is None:
        result.warnings.append(
            f"Line {d.line}: there is no module {quoted(d.module)} here, so the quiz is a mixed review."
        )
    quiz = Quiz(
        slug=d.slug,
        title=d.title,
        description=d.description,
        module=module,
        pass_mark=d.pass_mark,
        attempts_allowed=d.attempts_allowed,
        shuffle_questions=d.shuffle_questions,
        shuffle_choices=d.shuffle_choices,
        feedback=d.feedback,
        draw_category=d.draw_category,
        draw_count=d.draw_count,
        draw_rules=d.draw_rules,
        time_limit=d.time_limit,
        tries=d.tries,
        try_penalty=d.try_penalty,
        certainty=d.certainty,
        published=False,
        owner=owner,
        source=Source.AUTHORED,
    )
    for name, message in quiz.problems():
        if name != "slug":  # a reserved slug is simply renamed, like a taken one
            errors.append(Located(f"the quiz: {message}", d.line))
    try:
        quiz.clean_fields(exclude=["owner", "module"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.extend(Located(f"the quiz: '{name}': {m}", d.line) for m in messages)
    return quiz


def _check_listed(bundle: Bundle, result: Plan, errors: list[Located]) -> None:
    """The file is refused whole when its questions would take the quiz they join past the
    most a quiz may list (`listing_refused`): a teacher expects an import to add the file as
    previewed, and one of which some questions were left out would have to be searched for
    which. `write` asks again under the quiz's lock."""
    adding = len(bundle.questions)
    if result.into is not None:
        refused = listing_refused(result.into.title, result.into.entries.count(), adding)
        if refused:
            errors.append(Located(f"{refused} {NOT_ADDED}"))
    elif result.quiz is not None and bundle.quiz is not None:
        refused = listing_refused(result.quiz.title, 0, adding)
        if refused:
            split = f"Split the file into quizzes of at most {MAX_DRAWN}."
            errors.append(Located(f"the quiz: {refused} {split}", bundle.quiz.line))


# What an import into a quiz refused for its ceiling leaves the teacher to do.
NOT_ADDED = (
    "Import fewer into it (split the file), or import the file without choosing a quiz (its "
    "questions go to your bank, where a quiz can draw them from their category)."
)


def _free_slugs(model, rows: list, warnings: list[str], label: str, reserved=frozenset()):
    """Give each row whose slug is taken (in the database, by a reserved page, or by an
    earlier row of this file) the next free one, and say so."""
    wanted = [row.slug for row in rows]
    stored = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    taken = stored | set(reserved)
    used: set[str] = set()
    for row in rows:
        if row.slug not in taken and row.slug not in used:
            used.add(row.slug)
            continue
        room = model._meta.get_field("slug").max_length - 5  # for "-NNNN"
        base = row.slug[:room].rstrip("-") or label.lower()
        existing = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        n = 2
        while f"{base}-{n}" in existing | used | taken:
            n += 1
        new = f"{base}-{n}"
        # A teacher importing a changed copy of a question may expect it updated: it is not
        # (so no answer to it is ever shown or counted under the file's words), and is told.
        unchanged = ""
        if label == "Question" and row.slug in stored:
            unchanged = ", a new question: the one already here is not changed"
        warnings.append(
            f"{label} slug {quoted(row.slug)} is taken here: it is imported as {quoted(new)}"
            f"{unchanged}."
        )
        row.slug = new
        used.add(new)


# --- writing ------------------------------------------------------------------------------


def write(result: Plan) -> Plan:
    """Save every row of a checked plan in one transaction (all or nothing)."""
    with transaction.atomic():
        for scenario in result.new_scenarios:
            scenario.save()
        for question, tags in zip(result.questions, result.tags, strict=True):
            question.save()  # a new scenario's pk is taken from it on save
            if tags:
                question_set_tags(question=question, tags=tags)
        if result.quiz is not None:
            result.quiz.save()
        # Held before its last position is read (see there); a quiz deleted meanwhile gets none.
        into = result.into if result.into is not None and hold_entries(result.into) else None
        target = result.quiz or into
        if target is not None:
            last = target.entries.aggregate(last=Max("order"))["last"] or 0
            already = set(target.entries.values_list("question_id", flat=True))
            added = [q for q in result.questions if q.pk not in already]
            refused = listing_refused(target.title, len(already), len(added))
            if refused:  # questions added since the preview: the whole file is refused still
                raise TransferError(f"{refused} {NOT_ADDED}")
            QuizQuestion.objects.bulk_create(
                QuizQuestion(quiz=target, question=q, order=last + n)
                for n, q in enumerate(added, start=1)
            )
            results_changed(target.pk)  # no signals: the statistics' order
    return result


def preview(text: str, fmt: str, *, owner, into: Quiz | None = None) -> Plan:
    """Everything the import would create, checked, with nothing written."""
    return plan(read(text, fmt), owner=owner, into=into)


def run(text: str, fmt: str, *, owner, into: Quiz | None = None) -> Plan:
    """Read, check and write `text` in one transaction; TransferError and nothing written
    when anything is wrong."""
    bundle = read(text, fmt)
    try:
        with transaction.atomic():
            return write(plan(bundle, owner=owner, into=into))
    except IntegrityError:
        raise TransferError(
            "Something with the same slug was saved at the same moment; nothing was imported. "
            "Try again."
        ) from None
