"""Form fields for the numbers leads type: a duration as hours and minutes, a list of
percentages. Both replace text nobody should have to write by hand ("04:00:00" for a
DurationField, "[50, 75, 90]" for a JSONField) and refuse junk with a form error that
says what to write instead, never a 500.
"""

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_duration

MAX_HOURS = 9_999  # about 14 months: past any SLA target, far from timedelta's limits
HOURS_TEXT = f"Hours: enter a whole number from 0 to {MAX_HOURS:,}."
MINUTES_TEXT = "Minutes: enter a whole number from 0 to 59."


def _whole_minutes(value: timedelta | None) -> int | None:
    """Minutes are what the boxes show; seconds in a stored value are below their grain."""
    return None if value is None else int(value.total_seconds() // 60)


class HoursMinutesWidget(forms.MultiWidget):
    """Two small number boxes, each followed by its unit ("h", "min") as its label.

    The posted names are `<name>_h` and `<name>_min`. The field's own label points at
    the hours box, so the help text is announced with it (no fieldset: the admin does
    not draw one around a field).
    """

    template_name = "core/widgets/hours_minutes.html"
    use_fieldset = False
    units = ("h", "min")

    class Media:
        css = {"all": ["core/hours_minutes.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None):
        hours = forms.NumberInput(attrs={"min": 0, "max": MAX_HOURS, "step": 1, "size": 4})
        minutes = forms.NumberInput(attrs={"min": 0, "max": 59, "step": 1, "size": 2})
        super().__init__({"h": hours, "min": minutes}, attrs)

    def decompress(self, value: Any) -> list[int | None]:
        if not isinstance(value, timedelta):
            return [None, None]
        hours, minutes = divmod(_whole_minutes(value) or 0, 60)
        return [hours, minutes]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        for subwidget, unit in zip(context["widget"]["subwidgets"], self.units, strict=True):
            subwidget["unit"] = unit
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""


class HoursMinutesField(forms.MultiValueField):
    """A timedelta typed as whole hours (0-9,999) and minutes (0-59).

    One empty box counts as 0 ("4" h and no minutes is 4 hours). Both empty is None
    where the field is optional and "required" where it is not. A stored value with
    seconds shows (and compares) as its whole minutes, so opening and saving a page
    unchanged never reads as an edit.
    """

    widget = HoursMinutesWidget
    default_error_messages = {
        "required": "Enter the hours and minutes.",
        "invalid": "Enter the hours and minutes as two whole numbers.",
    }

    def __init__(self, **kwargs: Any):
        # A model's DurationField hands its formfield arguments on; these do not apply.
        for unused in ("max_length", "empty_value"):
            kwargs.pop(unused, None)
        refusals = ("invalid", "min_value", "max_value")
        hours = forms.IntegerField(
            min_value=0,
            max_value=MAX_HOURS,
            required=False,
            error_messages=dict.fromkeys(refusals, HOURS_TEXT),
        )
        minutes = forms.IntegerField(
            min_value=0,
            max_value=59,
            required=False,
            error_messages=dict.fromkeys(refusals, MINUTES_TEXT),
        )
        super().__init__(fields=(hours, minutes), require_all_fields=False, **kwargs)

    def compress(self, data_list: list[int | None]) -> timedelta | None:
        if not data_list or all(part is None for part in data_list):
            return None
        hours, minutes = (part or 0 for part in data_list)
        return timedelta(hours=hours, minutes=minutes)

    def has_changed(self, initial: Any, data: Any) -> bool:
        """An edit is a different number of minutes: "4" h with the minutes box emptied is
        still 4 hours (the SLA policy's version must not move for it)."""
        if self.disabled:
            return False
        try:
            value = self.clean(data)
        except ValidationError:
            return True
        if isinstance(initial, str):
            initial = parse_duration(initial)
        elif isinstance(initial, list | tuple):
            try:
                initial = self.clean(initial)
            except ValidationError:
                return True
        elif not isinstance(initial, timedelta):
            initial = None
        return _whole_minutes(initial) != _whole_minutes(value)


# Separators between percentages: commas, semicolons, white space. A "%" may follow a
# number, with or without a space ("75%", "75 %").
_SEPARATORS = re.compile(r"[\s,;]+")
_PERCENT_SIGN = re.compile(r"\s+%")
_NUMBER = re.compile(r"([0-9]+)%?")
_SHOWN_CHARS = 12


def _shown(token: str) -> str:
    """A bad token as the message quotes it: printable, and short even when it is not."""
    printable = "".join(ch if ch.isprintable() else "?" for ch in token)
    return printable if len(printable) <= _SHOWN_CHARS else f"{printable[:_SHOWN_CHARS]}…"


class PercentListField(forms.Field):
    """Whole percentages typed as "50, 75, 90" (a "%" after a number is welcome), kept as
    a sorted list of distinct ints: the same list a JSONField held when leads wrote JSON,
    so whatever reads the stored value is unaffected."""

    widget = forms.TextInput
    default_error_messages = {
        "required": "Enter at least one percentage, e.g. 50, 75, 90.",
        "nul": "Remove the invisible control character; write percentages such as 50, 75, 90.",
        "invalid": "“%(token)s” is not a whole percentage: write numbers such as 50, 75, 90.",
        "range": "%(value)s %% is out of range: each percentage is a whole number from "
        "%(low)s to %(high)s.",
        "duplicate": "%(value)s %% is listed twice: list each percentage once.",
    }

    def __init__(self, *, low: int = 1, high: int = 99, **kwargs: Any):
        # A model's JSONField hands its formfield arguments on; these do not apply.
        for unused in ("encoder", "decoder", "max_length"):
            kwargs.pop(unused, None)
        self.low, self.high = low, high
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "50, 75, 90"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        """A stored list reads as "50, 75, 90"; posted text is shown again as it was typed."""
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        if isinstance(value, list | tuple):
            return sorted(value)
        text = str(value)
        if "\x00" in text:
            raise ValidationError(self.error_messages["nul"], code="nul")
        numbers = []
        # Brackets are the JSON a lead may still type out of habit ("[50, 75]"): welcome.
        text = text.strip().removeprefix("[").removesuffix("]")
        for token in _SEPARATORS.split(_PERCENT_SIGN.sub("%", text)):
            if not token:
                continue
            match = _NUMBER.fullmatch(token)
            if match is None:
                raise ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"token": _shown(token)}
                )
            digits = match.group(1).lstrip("0") or "0"
            if len(digits) > len(str(self.high)):  # out of range, and int() refuses 4,300 digits
                raise ValidationError(
                    self.error_messages["range"],
                    code="range",
                    params={"value": _shown(digits), "low": self.low, "high": self.high},
                )
            numbers.append(int(digits))
        return sorted(numbers)

    def validate(self, value: list[int]) -> None:
        super().validate(value)
        for number in value:
            if not self.low <= number <= self.high:
                raise ValidationError(
                    self.error_messages["range"],
                    code="range",
                    params={"value": number, "low": self.low, "high": self.high},
                )
        for first, second in zip(value, value[1:], strict=False):
            if first == second:
                raise ValidationError(
                    self.error_messages["duplicate"], code="duplicate", params={"value": first}
                )

    def has_changed(self, initial: Any, data: Any) -> bool:
        """The same numbers in another order or spelling ("75%" for 75) are no edit."""
        if self.disabled:
            return False
        try:
            value = self.to_python(data)
            before = self.to_python(initial)
        except (ValidationError, TypeError):
            return True
        return before != value
