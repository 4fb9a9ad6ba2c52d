from tests.customers.conftest import make_customer, manager, offerings, types  # noqa: F401
