from django import forms

from .models import AuditEntry, Interface
from .selectors import audited_content_types


class AccessibleForm(forms.Form):
    """Marks invalid fields for screen readers and ties errors to their field."""

    # Validation runs lazily (on .errors), so subclasses may finish setting fields up first.
    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"


def form_problems(form) -> str:
    """A bound form's errors in one line, for a message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        label = label or (name.replace("_", " ").capitalize() if name != "__all__" else "")
        parts.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return "; ".join(parts)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        required=False,
        label="Who (username)",
        max_length=150,
        help_text='Blank for anyone; "system" entries have no user.',
    )
    record_type = forms.ModelChoiceField(
        queryset=None, required=False, label="Kind of record", empty_label="All kinds"
    )
    object_pk = forms.CharField(required=False, label="Record id", max_length=64)
    action = forms.TypedChoiceField(
        choices=[("", "Any change"), *AuditEntry.Action.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    interface = forms.ChoiceField(
        choices=[("", "Any interface"), *Interface.choices], required=False, label="Through"
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].queryset = audited_content_types()
        self.fields["record_type"].label_from_instance = lambda ct: f"{ct.app_label}: {ct.name}"

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "actor_username": data.get("actor") or None,
            "content_type_id": data["record_type"].pk if data.get("record_type") else None,
            "object_pk": data.get("object_pk") or None,
            "action": data.get("action"),
            "interface": data.get("interface") or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


def int_or_none(value) -> int | None:
    """A whole number from a query string or form value, or None for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
