"""Pure customer rules, without the database."""

from datetime import date
from decimal import Decimal

import pytest

from charter.core.errors import DomainError
from charter.customers import rules


class TestPhones:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("0412 345 678", "+61412345678"),
            ("(03) 9123 4567", "+61391234567"),
            ("+61 2 9876 5432", "+61298765432"),
            ("+64 21 123 4567", "+64211234567"),
        ],
    )
    def test_numbers_are_stored_in_e164(self, typed, stored):
        assert rules.normalise_phone(typed) == stored

    @pytest.mark.parametrize("typed", ["12", "0412 345", "not a phone", "+999 1234 5678"])
    def test_a_bad_number_is_refused_with_the_number_in_the_message(self, typed):
        with pytest.raises(DomainError) as error:
            rules.normalise_phone(typed)
        assert typed in error.value.message
        assert error.value.field == "phone"

    def test_blank_is_no_number(self):
        assert rules.normalise_phone("  ") == ""

    def test_a_stored_australian_number_is_shown_the_national_way(self):
        assert rules.format_phone("+61412345678") == "0412 345 678"
        assert rules.format_phone("+64211234567").startswith("+64 21")


class TestEmails:
    def test_domain_is_lower_cased_and_the_mailbox_kept(self):
        assert rules.normalise_email(" Buyer@YoreMine.COM.au ") == "Buyer@yoremine.com.au"

    @pytest.mark.parametrize("typed", ["buyer", "buyer@", "@yoremine.com.au", "a b@c.au"])
    def test_a_malformed_email_is_refused(self, typed):
        with pytest.raises(DomainError):
            rules.normalise_email(typed)


class TestSearch:
    def test_a_customer_is_found_by_name_words_email_phone_and_reference(self):
        terms = rules.search_terms(
            names=["Yore Mine Co.", "Zoë O'Brien"],
            emails=["Buyer@yoremine.com.au"],
            phones=["+61412345678"],
            reference="IW-0001",
        )
        assert {"yore", "mine", "co", "zoe", "obrien", "brien"} <= terms
        assert "buyer@yoremine.com.au" in terms
        assert {"61412345678", "0412345678"} <= terms
        assert "iw-0001" in terms

    def test_queries_become_term_prefixes(self):
        assert rules.parse_query("Yore Mi").prefixes == ("yore", "mi")
        assert rules.parse_query("BUYER@yore").prefixes == ("buyer@yore",)
        assert rules.parse_query("0412 345").prefixes == ("0412345",)
        assert rules.parse_query("+61 412-345").prefixes == ("61412345",)
        assert rules.parse_query("IW-0001").prefixes == ("iw-0001",)
        # An apostrophe joins, as people type a name: O'Bri finds O'Brien, not every "o".
        assert rules.parse_query("O'Bri").prefixes == ("obri",)
        assert not rules.parse_query("y")

    def test_the_prefix_bound_is_above_every_continuation(self):
        bound = rules.prefix_upper_bound("yor")
        assert "yor" < "yore" < "yorzzzz" < bound
        assert bound < "yos"


class TestSegmentConditions:
    def test_conditions_are_parsed_and_described(self):
        parsed = rules.parse_conditions(
            [
                {"attribute": "balance", "operator": "gte", "value": "250,000"},
                {"attribute": "customer_type", "operator": "in", "value": ["public"]},
            ],
            choices={"customer_type": {"public"}},
        )
        assert parsed[0].value == Decimal("250000")
        assert rules.describe_condition(parsed[0]) == "Balance at least $250,000.00"
        assert (
            rules.describe_condition(parsed[1], labels={"public": "Member of the public"})
            == "Customer type is Member of the public"
        )

    @pytest.mark.parametrize(
        ("conditions", "message"),
        [
            ([], "at least one condition"),
            ([{"attribute": "shoe_size", "operator": "gte", "value": 1}], "unknown attribute"),
            ([{"attribute": "balance", "operator": "has", "value": 1}], "does not apply"),
            ([{"attribute": "balance", "operator": "gte", "value": "lots"}], "not an amount"),
            ([{"attribute": "tenure_years", "operator": "gte", "value": -1}], "negative"),
            ([{"attribute": "customer_type", "operator": "in", "value": ["nope"]}], "unknown"),
        ],
    )
    def test_bad_conditions_say_what_is_wrong(self, conditions, message):
        with pytest.raises(rules.SegmentRuleError) as error:
            rules.parse_conditions(conditions, choices={"customer_type": {"public"}})
        assert message in error.value.message

    def test_tenure_counts_whole_years_to_the_day(self):
        today = date(2026, 11, 23)
        assert rules.tenure_bound(today, "gte", 5) == ("lte", date(2021, 11, 23))
        assert rules.tenure_bound(today, "lt", 1) == ("gt", date(2025, 11, 23))
        # A leap day falls back to the 28th in a year without one.
        assert rules.years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)

    def test_activity_counts_days(self):
        today = date(2026, 11, 23)
        assert rules.activity_bound(today, "gte", 365) == ("lte", date(2025, 11, 23))


def test_the_fast_path_for_australian_numbers_agrees_with_phonenumbers_itself():
    """The reference is the library's general parser and validator, on many numbers."""
    import random

    import phonenumbers

    chance = random.Random(7)
    typed = []
    for _ in range(3000):
        digits = "".join(chance.choice("0123456789") for _ in range(8))
        prefix = chance.choice(["02", "03", "04", "07", "08", "05", "01", "+612", "+614", "+618"])
        national = prefix + digits
        spaced = " ".join([national[:4], national[4:7], national[7:]])
        typed.append(chance.choice([national, spaced, f"({national[:2]}) {national[2:]}"]))
    for raw in typed:
        try:
            number = phonenumbers.parse(raw, "AU")
            expected = (
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if phonenumbers.is_valid_number(number)
                else None
            )
        except phonenumbers.NumberParseException:
            expected = None
        try:
            got = rules.normalise_phone(raw)
        except DomainError:
            got = None
        assert got == expected, raw
