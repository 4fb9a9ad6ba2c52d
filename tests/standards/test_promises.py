"""Which promise applies to a customer, and the deadline it sets on the organisation's calendar."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from charter.core.models import Organisation
from charter.customers import services as customer_services
from charter.standards import rules, selectors
from charter.standards.models import CharterVersion, PromiseEvent, ServicePromise

MELBOURNE = ZoneInfo("Australia/Melbourne")


@pytest.fixture
def charter(db, types, manager):
    Organisation.objects.create(
        name="Innovative Widgets", state="VIC", time_zone="Australia/Melbourne"
    )
    version = CharterVersion.objects.create(
        number=1, status="approved", approved_at=timezone.now(), approved_by=manager
    )
    key = customer_services.segment_save(
        actor=manager,
        name="Key accounts",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "250000"}],
    )

    def promise(event, target, unit, **scope):
        return ServicePromise.objects.create(
            version=version,
            event=event,
            target=Decimal(target),
            unit=unit,
            wording=f"{event} {target} {unit}",
            measure="from the logged time",
            **scope,
        )

    return {
        "version": version,
        "key": key,
        "everyone": promise(PromiseEvent.DELIVERY, 3, "business_days"),
        "miners": promise(PromiseEvent.DELIVERY, 2, "business_days", customer_type=types["mining"]),
        "key accounts": promise(PromiseEvent.DELIVERY, 1, "business_days", segment=key),
        "acknowledge": promise(PromiseEvent.COMPLAINT_ACKNOWLEDGE, 4, "business_hours"),
    }


def test_the_most_specific_promise_wins(charter, make_customer, types, manager):
    public = make_customer(name="Margaret Chen", customer_type=types["public"])
    miner = make_customer(name="Pilbara Drill", customer_type=types["mining"], annual_value=1)
    yore = make_customer(name="Yore Mine", customer_type=types["mining"], annual_value=1250000)
    customer_services.segment_evaluate(segment=charter["key"], actor=manager)

    assert selectors.promise_for(public, PromiseEvent.DELIVERY) == charter["everyone"]
    assert selectors.promise_for(miner, PromiseEvent.DELIVERY) == charter["miners"]
    assert selectors.promise_for(yore, PromiseEvent.DELIVERY) == charter["key accounts"]


def test_a_missing_promise_is_a_clear_error_not_a_default(charter, make_customer):
    customer = make_customer(name="Anyone")
    with pytest.raises(selectors.NoPromise, match="no promise to process a refund"):
        selectors.promise_for(customer, PromiseEvent.REFUND)


def test_without_an_approved_charter_nothing_is_promised(db, make_customer):
    CharterVersion.objects.create(number=1)  # a draft promises nothing yet
    with pytest.raises(selectors.NoPromise, match="no approved charter"):
        selectors.promise_for(make_customer(name="Anyone"), PromiseEvent.DELIVERY)


def test_the_deadline_counts_business_days_on_the_organisations_calendar(
    charter, make_customer, types
):
    # Yore Mine's order on the Friday before Melbourne Cup Day, promised in 3 business days
    # (a mining supplier without the key-account segment gets 2).
    customer = make_customer(name="Coastal Conveyors", customer_type=types["small"])
    ordered = datetime(2026, 10, 30, 15, 0, tzinfo=MELBOURNE)
    deadline = selectors.deadline_for(customer, PromiseEvent.DELIVERY, ordered)
    assert deadline.promise == charter["everyone"]
    assert deadline.due == datetime(2026, 11, 5, 17, 0, tzinfo=MELBOURNE)

    complaint = datetime(2026, 11, 2, 15, 30, tzinfo=MELBOURNE)  # Monday, before the Cup
    ack = selectors.deadline_for(customer, PromiseEvent.COMPLAINT_ACKNOWLEDGE, complaint)
    assert ack.due == datetime(2026, 11, 4, 11, 30, tzinfo=MELBOURNE)


class _Promise:
    def __init__(self, pk, target, segment_id=None, customer_type_id=None, topic=""):
        self.pk, self.target = pk, Decimal(target)
        self.segment_id, self.customer_type_id = segment_id, customer_type_id
        self.topic = topic


def test_among_two_segments_the_strictest_promise_wins():
    promises = [
        _Promise(1, 3),
        _Promise(2, 2, segment_id=10),
        _Promise(3, 1, segment_id=11),
        _Promise(4, 5, customer_type_id=7),
    ]
    chosen = rules.most_specific(promises, customer_type_id=7, segment_ids={10, 11})
    assert chosen.pk == 3
    assert rules.most_specific(promises, customer_type_id=7, segment_ids=set()).pk == 4
    assert rules.most_specific(promises, customer_type_id=8, segment_ids=set()).pk == 1
    assert rules.most_specific(promises[1:2], customer_type_id=8, segment_ids=set()) is None


def test_a_promise_for_the_complaints_topic_beats_the_general_one():
    """The bank answers hardship complaints in 21 days, others in 30."""
    general = _Promise(1, 30)
    hardship = _Promise(2, 21, topic="hardship")
    key_accounts = _Promise(3, 25, segment_id=10)
    promises = [general, hardship, key_accounts]
    assert rules.most_specific(promises, customer_type_id=None, segment_ids=set()) is general
    assert (
        rules.most_specific(promises, customer_type_id=None, segment_ids=set(), topic="hardship")
        is hardship
    )
    # A topic promise never applies to another topic: the segment's promise wins there.
    assert (
        rules.most_specific(promises, customer_type_id=None, segment_ids={10}, topic="fees")
        is key_accounts
    )
