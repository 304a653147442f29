"""Import (upload or paste → preview → confirm) and export (JSON, GIFT) under /teach/.

The preview and the confirm step both read and check the text in full; between them the text
travels back in the form, with a signed digest of what was previewed, so the confirm step
imports exactly what the instructor saw (or asks for a new preview) and never trusts it
unchecked. Nothing is written until Confirm, and then all of it or nothing, once: each
preview's token is good for one import (`claim_preview`), so a double click or the page sent
again after Back does not import everything a second time.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from quizzes.menus import MENU_QUIZZES, QuizChoiceField, recent_menu
from quizzes.models import Quiz
from srm_trainer import once
from srm_trainer.labels import PlainLabels
from srm_trainer.ratelimit import rate_limited
from srm_trainer.typed_text import LimitsOnServer, Textarea, without_nul
from teach import import_help, shown
from teach.access import _quiz_for_instructor, key_in, questions_visible, teacher_required
from teach.bank import bank_summaries
from teach.rendering import RENDERER
from teach.transfer import gift, importer, json_format
from teach.transfer.drafts import MAX_QUESTIONS, MAX_TEXT_CHARS, TransferError

MAX_UPLOAD_BYTES = MAX_TEXT_CHARS  # a file within this many bytes is within the text limit
_SALT = "teach.transfer.preview"
PREVIEW_MAX_AGE = 3 * 60 * 60  # seconds a preview stays confirmable
FORMAT_CHOICES = [
    ("auto", "Find out from the content"),
    ("json", "JSON (this app's format)"),
    ("gift", "GIFT (Moodle)"),
]


def editable_quizzes(user):
    """The quizzes `user` may add imported questions to."""
    quizzes = Quiz.objects.all() if user.is_staff else Quiz.objects.filter(owner=user)
    return quizzes.order_by("title")


def file_too_large(kb: object) -> str:
    """The import's refusal of a file over its limit, the same in the page's script
    (`data-too-large`, "{kb}" for its size: static/js/form-size.js) as from the server."""
    return (
        f"The file is {kb} KB; one import reads at most {MAX_UPLOAD_BYTES // 1024} KB. "
        "Split it into several files."
    )


class ImportForm(LimitsOnServer, PlainLabels, forms.Form):
    default_renderer = RENDERER

    file = forms.FileField(
        required=False,
        label="A file",
        help_text=f"A .json or GIFT (.txt, .gift) file, at most {MAX_UPLOAD_BYTES // 1024} KB.",
        widget=forms.ClearableFileInput(
            attrs={"data-max-file": MAX_UPLOAD_BYTES, "data-too-large": file_too_large("{kb}")}
        ),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste the text",
        widget=Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        max_length=MAX_TEXT_CHARS,
        error_messages={
            "max_length": f"That is too long: one import reads at most {MAX_TEXT_CHARS // 1024} "
            "KB of text. Split it into several files."
        },
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto", label="Format")
    quiz = QuizChoiceField(
        queryset=Quiz.objects.none(),
        required=False,
        label="Add the questions to a quiz",
        empty_label="No: a quiz file makes its own quiz; a bank's questions go to your list",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A NUL pasted is refused by the reader with its line (and column, in JSON), as in
        # an uploaded file: Django's check said "Null characters are not allowed." of the
        # box, with no place to look for it.
        text = self.fields["text"]
        text.validators = [
            v for v in text.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        quiz = self.fields["quiz"]
        assert isinstance(quiz, QuizChoiceField)  # the form's own copy of the field above
        quiz.queryset = editable_quizzes(user)
        # The menu lists the most recently edited (staff's would list every teacher's); any
        # quiz of theirs is still taken, and the one chosen (a quiz page's "Import questions
        # into this quiz…", a form sent again) is listed.
        quiz.menu, more = recent_menu(quiz.queryset, chosen=self._chosen_quiz())
        if more:
            whose = "The" if user.is_staff else "Your"
            quiz.help_text = (
                f"{whose} {MENU_QUIZZES} most recently edited quizzes. For another, open it "
                "and choose “Import questions into this quiz…”."
            )

    def _chosen_quiz(self) -> Quiz | int | None:
        """The quiz the form was given (a quiz) or sent (its key, checked by the field)."""
        if not self.is_bound:
            chosen = self.initial.get("quiz")
            return chosen if isinstance(chosen, Quiz) else None
        return key_in(str(self.data.get(self.add_prefix("quiz"), "")))

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload and text.strip():
            raise forms.ValidationError("Give a file or pasted text, not both.")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(file_too_large(upload.size // 1024))
            try:
                text = importer.decode(upload.read(MAX_UPLOAD_BYTES + 1))
            except TransferError as exc:
                raise forms.ValidationError(str(exc)) from None
        if not text.strip():
            raise forms.ValidationError("Choose a file, or paste the questions' text.")
        text = importer.normalize(text)
        fmt = data.get("format") or "auto"
        data["content"] = text
        data["fmt"] = importer.detect_format(text) if fmt == "auto" else fmt
        return data


def claim_preview(nonce: str) -> bool:
    """True the first time a preview's import is confirmed, False after (`once.claim`: of two
    confirms sent at once only one imports). Kept as long as a preview is."""
    return bool(nonce) and once.claim(nonce, PREVIEW_MAX_AGE)


def _digest(text: str, fmt: str, quiz: Quiz | None, user) -> str:
    key = f"{user.pk}\0{fmt}\0{quiz.pk if quiz else ''}\0{text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _question_rows(result: importer.Plan) -> list[dict]:
    return [
        {
            "kind": q.get_type_display(),
            "slug": q.slug,
            "category": q.category,
            "prompt": q.prompt,
            "size": len(q.choices() or q.items()),
            "scenario": q.scenario.slug if q.scenario is not None else "",
            "archived": q.archived,
        }
        for q in result.questions
    ]


def _page(request: HttpRequest, form: ImportForm, **context) -> HttpResponse:
    context.setdefault("errors", [])
    # The banks to export a page at a time (`teach.shown`), as the dashboard's: counted as it
    # counts them (kept for an instructor), where this page grouped every visible question.
    rows = shown.banks_page(bank_summaries(request.user), request.GET.get("banks"))
    return render(
        request,
        "teach/import.html",
        {
            "form": form,
            "categories": rows,
            "max_kb": MAX_UPLOAD_BYTES // 1024,
            "max_questions": MAX_QUESTIONS,
            **context,
        },
    )


def _too_many_imports(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the import limit: the form again with the text as it was sent (an uploaded file
    must be chosen again), saying when to try again; nothing was read."""
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    post = request.POST
    wanted = key_in(post.get("quiz", ""))
    initial = {
        "text": post.get("text", "")[:MAX_TEXT_CHARS],
        "format": post.get("format", "auto"),
        "quiz": editable_quizzes(request.user).filter(pk=wanted).first() if wanted else None,
    }
    said = f"That was a lot of imports in a short time: nothing was read. Try again in {wait}."
    return _page(request, ImportForm(initial=initial, user=request.user), refused=said)


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
@rate_limited("import", _too_many_imports, methods=("POST",))
def import_questions(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method != "POST":
        initial = {}
        wanted = key_in(request.GET.get("quiz", ""))
        if wanted is not None:
            initial["quiz"] = editable_quizzes(user).filter(pk=wanted).first()
        return _page(request, ImportForm(initial=initial, user=user))
    if request.POST.get("action") == "confirm":
        return _confirm(request)
    form = ImportForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _page(request, form)
    text, fmt, into = (
        form.cleaned_data["content"],
        form.cleaned_data["fmt"],
        form.cleaned_data["quiz"],
    )
    try:
        result = importer.preview(text, fmt, owner=user, into=into)
    except TransferError as exc:
        return _page(request, form, errors=exc.lines(), fmt=fmt)
    token = signing.dumps(
        {"d": _digest(text, fmt, into, user), "n": secrets.token_urlsafe(12)}, salt=_SALT
    )
    return render(
        request,
        "teach/import_preview.html",
        {
            "plan": result,
            "rows": _question_rows(result),
            "text": text,
            "fmt": fmt,
            "fmt_label": dict(FORMAT_CHOICES)[fmt],
            "into": into,
            "token": token,
        },
    )


def _confirm(request: HttpRequest) -> HttpResponse:
    """Import what was previewed: checked again in full, written in one transaction."""
    user = request.user
    text = importer.normalize(request.POST.get("text", ""))
    fmt = request.POST.get("format", "")
    quiz_pk = request.POST.get("quiz", "")
    into = None
    if quiz_pk:
        wanted = key_in(quiz_pk)
        into = editable_quizzes(user).filter(pk=wanted).first() if wanted is not None else None
        if into is None:
            raise Http404("No such quiz of yours.")
    form = ImportForm(initial={"format": fmt, "quiz": into}, user=user)
    try:
        signed = signing.loads(request.POST.get("token", ""), salt=_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        signed = {}
    if fmt not in importer.FORMATS or signed.get("d") != _digest(text, fmt, into, user):
        return _page(
            request,
            form,
            errors=[
                "This is not the import you previewed (or the preview is more than three hours "
                "old). Upload or paste it again to see a fresh preview."
            ],
        )
    nonce = signed.get("n", "")
    if not claim_preview(nonce):
        messages.info(
            request,
            "This import was confirmed already (the button was pressed twice, or the page was "
            "sent again): nothing more was imported.",
        )
        return redirect("teach:quiz", pk=into.pk) if into else redirect("teach:dashboard")
    try:
        result = importer.run(text, fmt, owner=user, into=into)
    except TransferError as exc:
        once.release(nonce)  # refused, nothing written: the preview may be confirmed again
        return _page(request, form, errors=exc.lines(), fmt=fmt)
    count = len(result.questions)
    target = result.quiz or result.into
    # A quiz file makes a quiz of its own, whatever quizzes share its title: said "a new quiz",
    # as the preview said it, so it is not read as the teacher's quiz of that title filled up.
    if result.quiz:
        where = f" into a new quiz, “{result.quiz.title}”: a draft, publish it when it is ready."
    else:
        where = f" into “{target.title}”." if target else "."
    messages.success(request, f"Imported {count} question{'s' if count != 1 else ''}{where}")
    target = result.quiz or result.into
    return redirect("teach:quiz", pk=target.pk) if target else redirect("teach:dashboard")


# --- export -------------------------------------------------------------------------------


def _download(text: str, fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        filename = f"{name}.json"
    else:
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        filename = f"{name}.gift.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@teacher_required
def quiz_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    quiz = _quiz_for_instructor(request, pk)
    if fmt == "json":
        return _download(json_format.export_quiz(quiz), fmt, quiz.slug)
    if fmt != "gift":
        raise Http404("Export as json or gift.")
    questions = json_format.quiz_questions(quiz)
    exported = gift.export(questions)
    if len(exported.left_out) == len(questions):
        messages.error(
            request,
            "Nothing to export as GIFT: this quiz has no single-choice, multiple-select or "
            "true/false question, the only kinds GIFT holds. Export it as JSON instead.",
        )
        return redirect("teach:quiz", pk=quiz.pk)
    return _download(exported.text, fmt, quiz.slug)


# The most questions one bank's file holds: 1,000 of the largest the editors take (a 5,000-
# character prompt, a 10,000-character explanation) are a 16 MB file and ~0.35 s of CPU. A
# bank has no ceiling (imports add 300 questions at a time), and its export read, held and
# wrote every question at once: ~0.12 ms and ~900 bytes an ordinary question, 16 KB a large
# one, so 50,000 questions were ~6 s of CPU and up to 0.8 GB. A larger bank comes in parts.
EXPORT_PER_FILE = 1_000
# A part's range may hold twice that when questions were added to it after it was listed.


@dataclass(frozen=True)
class ExportPart:
    """One file of a bank: its questions whose slugs fall from `start` (included; "" from the
    first) to `before` (left out; "" to the last). A range of slugs, not a page number: a
    question added after the parts were listed falls in exactly one of them."""

    number: int
    first: str
    last: str
    start: str
    before: str
    count: int


def export_parts(slugs: list[str], most: int) -> list[ExportPart]:
    """`slugs` (in the database's order) cut into runs of at most `most`."""
    runs = [slugs[at : at + most] for at in range(0, len(slugs), most)]
    return [
        ExportPart(
            number=k,
            first=run[0],
            last=run[-1],
            start="" if k == 1 else run[0],
            before="" if k == len(runs) else runs[k][0],
            count=len(run),
        )
        for k, run in enumerate(runs, start=1)
    ]


@require_safe
@teacher_required
def category_export(request: HttpRequest, category: str, fmt: str) -> HttpResponse:
    """A bank: every question of one category that this teacher can see (not archived), as
    one file; past `EXPORT_PER_FILE`, a page listing it in parts (ranges of slugs), each a
    file of its own. `?from=&before=` (a part's link) is that part's file."""
    if fmt not in ("json", "gift"):
        raise Http404("Export as json or gift.")
    visible = questions_visible(request.user).filter(category=category, archived=False)
    name = category
    # A NUL as U+FFFD (no slug holds either): PostgreSQL refuses NUL, a hand-made link's 500
    start, before = (
        None if (raw := request.GET.get(key)) is None else without_nul(raw)
        for key in ("from", "before")
    )
    if start is None and before is None:
        slugs = list(visible.order_by("slug").values_list("slug", flat=True))
        if len(slugs) > EXPORT_PER_FILE:
            return _parts_page(request, category, fmt, slugs)
    else:
        visible = visible.filter(slug__gte=start) if start else visible
        visible = visible.filter(slug__lt=before) if before else visible
        number = request.GET.get("part", "")
        name = f"{category}-part-{number}" if number.isdigit() and len(number) < 5 else name
    questions = list(
        visible.select_related("module", "lesson__module", "scenario")
        .prefetch_related("tags")
        .order_by("slug")[: 2 * EXPORT_PER_FILE + 1]
    )
    if not questions:
        raise Http404("No questions in that category.")
    if len(questions) > 2 * EXPORT_PER_FILE:  # a part grown by thousands since it was listed
        messages.error(
            request,
            f"That part of the bank “{category}” has grown past {2 * EXPORT_PER_FILE:,} "
            "questions since its list was drawn: open the bank's export again for a new list of parts.",
        )
        return redirect("teach:import")
    if fmt == "json":
        return _download(json_format.export_bank(questions, category), fmt, name)
    exported = gift.export(questions)
    if len(exported.left_out) == len(questions):
        messages.error(
            request,
            f"Nothing to export as GIFT: the category “{category}” has no single-choice, "
            "multiple-select or true/false question. Export it as JSON instead.",
        )
        return redirect("teach:import")
    return _download(exported.text, fmt, name)


def _parts_page(request: HttpRequest, category: str, fmt: str, slugs: list[str]):
    return render(
        request,
        "teach/export_parts.html",
        {
            "category": category,
            "label": "JSON" if fmt == "json" else "GIFT",
            "parts": export_parts(slugs, EXPORT_PER_FILE),
            "count": len(slugs),
            "most": EXPORT_PER_FILE,
        },
    )


@require_safe
@teacher_required
def import_help_page(request: HttpRequest) -> HttpResponse:
    """How to write a file to import, in a teacher's words, with an example of each kind."""
    page = import_help.help_page()
    return render(
        request, "teach/import_help.html", {"page": page, "kinds": import_help.kind_rows()}
    )
