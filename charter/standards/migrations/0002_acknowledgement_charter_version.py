from django.db import migrations


class Migration(migrations.Migration):
    """Acknowledgements now cover policy versions too: the charter's link gets its own name."""

    dependencies = [("standards", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="acknowledgement", name="one_acknowledgement_each"),
        migrations.RenameField(
            model_name="acknowledgement", old_name="version", new_name="charter_version"
        ),
    ]
