"""The demo charter answers the seeds' questions: what was Yore Mine promised, and by when."""

from datetime import datetime
from zoneinfo import ZoneInfo

from charter.customers.models import Customer
from charter.standards import selectors
from charter.standards.models import PromiseEvent

MELBOURNE = ZoneInfo("Australia/Melbourne")


def test_yore_mine_was_promised_delivery_in_three_business_days(demo):
    yore = Customer.objects.get(reference="IW-0001")
    ordered = datetime(2026, 11, 13, 10, 0, tzinfo=MELBOURNE)  # "last Friday"
    delivery = selectors.deadline_for(yore, PromiseEvent.DELIVERY, ordered)
    assert delivery.promise.wording == "We deliver your order within 3 business days."
    assert delivery.due == datetime(2026, 11, 18, 17, 0, tzinfo=MELBOURNE)
    # As a key account its complaint is acknowledged within 4 business hours, and as a
    # mining equipment supplier resolved within 5 business days.
    complaint = datetime(2026, 11, 20, 15, 0, tzinfo=MELBOURNE)
    ack = selectors.deadline_for(yore, PromiseEvent.COMPLAINT_ACKNOWLEDGE, complaint)
    assert ack.due == datetime(2026, 11, 23, 11, 0, tzinfo=MELBOURNE)
    resolve = selectors.deadline_for(yore, PromiseEvent.COMPLAINT_RESOLVE, complaint)
    assert resolve.due == datetime(2026, 11, 27, 17, 0, tzinfo=MELBOURNE)
