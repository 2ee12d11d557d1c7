"""One published version per question set (issue 17).

Before this, publishing left the previous version published, so a database may hold
several published versions of one slug. The newest (highest version) stays
published; the older ones are retired, which is what publishing the newest would
have done: new scans can no longer choose them, scans that use them keep them.
Going back does not un-retire them (nothing records which ones this retired).
"""

from django.db import migrations, models


def retire_all_but_the_newest(apps, schema_editor):
    QuestionSet = apps.get_model("assessments", "QuestionSet")
    newest = {}
    for pk, slug in (
        QuestionSet.objects.filter(status="published")
        .order_by("slug", "-version")
        .values_list("pk", "slug")
    ):
        newest.setdefault(slug, pk)
    QuestionSet.objects.filter(status="published").exclude(
        pk__in=newest.values()
    ).update(status="retired")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0012_two_factor"),
    ]

    operations = [
        migrations.RunPython(retire_all_but_the_newest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="questionset",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "published")),
                fields=("slug",),
                name="assessments_questionset_one_published",
                violation_error_message=(
                    "Another version of this question set is already published."
                ),
            ),
        ),
    ]
