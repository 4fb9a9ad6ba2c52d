"""Digests for inbound mail received before they were kept, so that a mailbox delivered again
after the upgrade files nothing twice. Rows whose raw message is gone (erased) keep none."""

from django.db import migrations

from charter.cases.mail import content_digest


def backfill(apps, schema_editor):
    Email = apps.get_model("cases", "Email")
    # The ids first, then 500 rows at a time: no cursor stays open on the table being written.
    pks = list(
        Email.objects.filter(direction="inbound", digest="").order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(pks), 500):
        batch = []
        for email in Email.objects.filter(pk__in=pks[start : start + 500]).only("pk", "raw"):
            raw = bytes(email.raw or b"")
            if raw:
                email.digest = content_digest(raw)
                batch.append(email)
        Email.objects.bulk_update(batch, ["digest"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_email_digest")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
