"""Home-page panels of the customers app, in fixed queries."""

from . import selectors


def my_customers(user) -> dict:
    customers = selectors.my_customers(user)
    return {"items": list(customers[:5]), "count": customers.count()}
