"""Every quiz's entries renumbered 1..n, in the order learners are given them.

Before 0009 the admin saved whatever positions staff typed: two entries at one position, gaps,
0 (the column never held a negative: it is a PositiveIntegerField, a CHECK on both databases).
The admin now refuses to save such a quiz until its rows are fixed by hand, a fix staff did not
cause, so the rows are renumbered here once. The order kept is the one every reader uses,
(order, pk) (`quizzes.attempts`, `teach.services`, the model's Meta): ties stay in the order
learners saw them, so no question a learner sees moves.

There is no unique constraint on (quiz, order), so the rows are written in place. Only the
entries whose position changes are written (a quiz already 1..n is not), in batches, with the
historical model: no signal reaches the audit log, which a migration must not depend on.
Backwards it does nothing: the old numbers are not kept, and 1..n is valid before 0010 too.
"""

from django.db import migrations


def renumber(apps, schema_editor):
    QuizQuestion = apps.get_model("quizzes", "QuizQuestion")
    entries = QuizQuestion.objects.using(schema_editor.connection.alias)
    rows = entries.order_by("quiz_id", "order", "pk").values_list("pk", "quiz_id", "order")
    moved, quiz, position = [], None, 0
    for pk, quiz_id, order in rows.iterator(chunk_size=2000):
        position = position + 1 if quiz_id == quiz else 1
        quiz = quiz_id
        if order != position:
            moved.append(QuizQuestion(pk=pk, order=position))
    entries.bulk_update(moved, ["order"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0009_quizquestion_order_from_1"),
    ]

    operations = [
        migrations.RunPython(renumber, migrations.RunPython.noop, elidable=True),
    ]
