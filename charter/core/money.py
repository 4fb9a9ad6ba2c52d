"""Money is a Decimal with a currency. Never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"AUD": "$", "NZD": "NZ$", "USD": "US$", "EUR": "€", "GBP": "£"}


def to_decimal(value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")
    return Decimal(value)


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "AUD"

    def __post_init__(self):
        if isinstance(self.amount, float):
            raise TypeError("money must not be a float; pass a Decimal or a string")
        object.__setattr__(self, "amount", Decimal(self.amount))

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def format_money(amount: Decimal | None, currency: str = "AUD") -> str:
    if amount is None:
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    value = quantize(Decimal(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"
