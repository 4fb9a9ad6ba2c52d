from django import forms

from .calendar import DAY_LABELS, DAYS, HoursError, WeeklyHours, parse_day
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


class DayHoursField(forms.CharField):
    """One day's opening hours as a person writes them ("8:30-17:00", "9-12, 13-17"); blank
    when closed. Cleans to the day's intervals; a time that cannot be read is a field error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "Closed"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_day(text)
        except HoursError as error:
            raise forms.ValidationError(error.message) from None


class WeeklyHoursForm(AccessibleForm):
    """Opening hours, one field per day; ``cleaned_data[hours_field]`` holds them as data
    (see ``WeeklyHours``) for the service, which checks them again."""

    hours_field = "service_hours"
    hours_help = "e.g. 8:30-17:00, or 9:00-12:30, 13:30-17:00; blank if closed that day."

    def __init__(self, *args, hours: WeeklyHours | None = None, **kwargs):
        if hours is not None:
            initial = kwargs.setdefault("initial", {})
            for index, day in enumerate(DAYS):
                initial.setdefault(day, hours.day_text(index))
        super().__init__(*args, **kwargs)
        for index, day in enumerate(DAYS):
            self.fields[day] = DayHoursField(label=DAY_LABELS[index])
        self.fields["monday"].help_text = self.hours_help
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        days = {day: data.pop(day) for day in DAYS if day in data}
        if len(days) == len(DAYS):
            data[self.hours_field] = WeeklyHours(tuple(days[day] for day in DAYS)).to_data()
        return data


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


class ClosureForm(AccessibleForm):
    name = forms.CharField(max_length=120, help_text="e.g. Christmas shutdown.")
    first_day = forms.DateField(
        label="First day closed", widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label="Last day closed",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day before you open again; blank for one day.",
    )
