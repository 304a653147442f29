"""A question learners have answered can no longer be deleted (PROTECT, was CASCADE).

Deleting one deleted its answers with it: the attempts kept naming it in `question_ids` and
their results showed a wrong score. It is archived instead (`Question.archived`). Only the
foreign key's Python-side rule changes; the database's constraint is the same.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0010_quizquestion_renumber_1_to_n"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="quizzes.question",
            ),
        ),
    ]
