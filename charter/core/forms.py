from collections import Counter

from django import forms
from django.template.loader import render_to_string
from django.utils.text import capfirst

from .audit_display import ACTION_WORDS
from .calendar import DAY_LABELS, DAYS, HoursError, WeeklyHours, parse_day
from .models import Interface
from .selectors import audited_content_types

_FIELDS_HTML: dict[tuple, str] = {}


class AccessibleForm(forms.Form):
    """Marks invalid fields for screen readers and ties errors to their field."""

    def fields_html(self) -> str:
        """The form's fields as ``core/_form_fields.html`` renders them. An unbound form's are
        kept by the process, by everything they are made from (class, prefix, each field's
        initial value, choices and attributes): a page of forms costs the template engine
        one render per kind of form, not one per page; a bound form (errors) is rendered."""
        if self.is_bound:
            return render_to_string("core/_form_fields.html", {"form": self})
        key = (
            type(self),
            self.prefix,
            self.auto_id,
            tuple(
                (
                    name,
                    repr(self.get_initial_for_field(field, name)),
                    repr(getattr(field, "choices", None)),
                    repr(field.widget.attrs),
                    field.required,
                    str(field.label),
                    str(field.help_text),
                )
                for name, field in self.fields.items()
            ),
        )
        html = _FIELDS_HTML.get(key)
        if html is None:
            if len(_FIELDS_HTML) > 500:  # forms whose choices keep changing: start again
                _FIELDS_HTML.clear()
            html = _FIELDS_HTML[key] = render_to_string("core/_form_fields.html", {"form": self})
        return html

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
        label="Who",
        max_length=150,
        help_text='A username or a name; "system" for changes no one made by hand.',
        widget=forms.TextInput(attrs={"placeholder": "A name, a username or “system”"}),
    )
    record_type = forms.TypedChoiceField(
        choices=(), coerce=int, empty_value=None, required=False, label="Kind of record"
    )
    text = forms.CharField(
        required=False,
        label="Record or page",
        max_length=100,
        help_text="Part of the record's name (CASE-12, IW-0002) or of the page or command.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. CASE-12, IW-0002"}),
    )
    object_pk = forms.CharField(required=False, label="Record id", max_length=64)
    action = forms.TypedChoiceField(
        choices=[("", "Any change"), *((int(k), v) for k, v in ACTION_WORDS.items())],
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
        self.fields["record_type"].choices = [("", "All kinds"), *_record_kinds()]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "actor": data.get("actor") or None,
            "content_type_id": data.get("record_type"),
            "text": data.get("text") or None,
            "object_pk": data.get("object_pk") or None,
            "action": data.get("action"),
            "interface": data.get("interface") or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


def _record_kinds() -> list[tuple[int, str]]:
    """Kinds of record by the names people use ("Approval request"), A to Z; a name two apps
    share ("Contact") says whose it is."""
    kinds = []
    for content_type in audited_content_types():
        model = content_type.model_class()
        if model is not None:
            kinds.append((content_type.pk, capfirst(str(model._meta.verbose_name)), model))
    counts = Counter(name for _pk, name, _model in kinds)
    choices = [
        (pk, f"{name} ({model._meta.app_config.verbose_name})" if counts[name] > 1 else name)
        for pk, name, model in kinds
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())


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
