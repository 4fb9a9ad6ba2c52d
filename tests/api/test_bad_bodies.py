"""A body the API cannot mean is refused with a 400 and a sentence, never a 500: JSON nested a
thousand levels deep, numbers JSON has no value for (1e999, NaN, Infinity) where an id or an
amount is expected, and a body over the configured size. Sent to every write operation of the
OpenAPI schema, with an officer's and a manager's token."""

import json

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from charter.accounts.models import User
from charter.standards.models import Policy

pytestmark = pytest.mark.django_db

# Answers that come before the body is read: who you are, what you may do, whether the record
# is there, whether the address takes this method, whether you are asking too often.
BEFORE_PARSING = {401, 403, 404, 405, 429}
DEEP = 1000


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(node: dict, schema: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            return _resolve(node[key][0], schema)
    return node


def _write_operations(schema: dict, slug: str) -> list[tuple[str, str, dict]]:
    """(method, path, JSON body schema or {}) of every POST, PUT and PATCH; ids are the first
    records of the demo, so most requests reach the point where the body is read."""
    found = []
    for template, operations in schema["paths"].items():
        path = template.replace("{slug}", slug)
        for name in ("id", "number", "need_id", "offer_id", "step_id"):
            path = path.replace("{" + name + "}", "1")
        assert "{" not in path, path
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            found.append((method, path, _resolve(body, schema) if body else {}))
    return found


def _clients() -> dict[str, APIClient]:
    clients = {}
    for username in ("mary", "grace"):  # an officer and the customer service manager
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        clients[username] = client
    return clients


def _bad_bodies(body_schema: dict) -> dict[str, str]:
    names = list(body_schema.get("properties", {})) or ["id", "amount"]
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return {
        "deep list": "[" * DEEP + "]" * DEEP,
        "deep object": '{"a":' * DEEP + "1" + "}" * DEEP,
        "1e999": "{" + ", ".join(f'"{name}": 1e999' for name in names) + "}",
        "-1e999": "{" + ", ".join(f'"{name}": -1e999' for name in names) + "}",
        "NaN": "{" + ", ".join(f'"{name}": NaN' for name in names) + "}",
        "Infinity": "{" + ", ".join(f'"{name}": Infinity' for name in names) + "}",
        "too large": json.dumps({names[0]: "x" * too_big}),
    }


@pytest.fixture
def everything(demo, schema):
    slug = Policy.objects.order_by("pk").values_list("slug", flat=True).first()
    operations = _write_operations(schema, slug)
    assert len(operations) > 40
    return operations, _clients()


def test_unreadable_json_is_a_400_with_a_message_on_every_write(everything):
    operations, clients = everything
    wrong = []
    for method, path, body_schema in operations:
        for username, client in clients.items():
            for what, body in _bad_bodies(body_schema).items():
                response = getattr(client, method)(path, body, content_type="application/json")
                status = response.status_code
                if status == 400:
                    if not response.json().get("detail"):
                        wrong.append(f"{username} {method.upper()} {path} {what}: no message")
                elif status not in BEFORE_PARSING and (body_schema or status >= 500):
                    wrong.append(f"{username} {method.upper()} {path} {what}: {status}")
    assert not wrong, "\n".join(wrong)


def test_a_form_over_the_size_is_a_400_on_every_write(everything):
    operations, clients = everything
    body = "note=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    wrong = []
    for method, path, body_schema in operations:
        for username, client in clients.items():
            response = getattr(client, method)(
                path, body, content_type="application/x-www-form-urlencoded"
            )
            status = response.status_code
            if status not in {400} | BEFORE_PARSING and (body_schema or status >= 500):
                wrong.append(f"{username} {method.upper()} {path}: {status}")
    assert not wrong, "\n".join(wrong)


def test_the_messages_say_what_was_wrong(demo):
    client = _clients()["grace"]
    path = "/api/v1/approvals/"
    deep = client.post(path, "[" * DEEP + "]" * DEEP, content_type="application/json")
    assert deep.status_code == 400
    assert "nests more than" in deep.json()["detail"]
    infinite = client.post(path, '{"amount": 1e999}', content_type="application/json")
    assert infinite.status_code == 400
    assert "1e999 is too large" in infinite.json()["detail"]
    not_a_number = client.post(path, '{"amount": NaN}', content_type="application/json")
    assert not_a_number.status_code == 400
    assert "NaN is not a number" in not_a_number.json()["detail"]
    big = client.post(
        path,
        json.dumps({"note": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}),
        content_type="application/json",
    )
    assert big.status_code == 400
    assert "larger than the" in big.json()["detail"]


def _example(node: dict, schema: dict, number: int, depth: int = 0):
    """A body shaped as the schema asks, with ``number`` wherever a number goes."""
    node = _resolve(node, schema)
    if "enum" in node:
        return node["enum"][0]
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties", {}) if depth < 4 else {}
        return {
            name: _example(child, schema, number, depth + 1)
            for name, child in properties.items()
            if not child.get("readOnly")
        }
    if node.get("type") == "array":
        return [_example(node.get("items", {}), schema, number, depth + 1)]
    if node.get("type") in ("integer", "number"):
        return number
    if node.get("type") == "boolean":
        return True
    return {
        "date": "2026-01-01",
        "date-time": "2026-01-01T00:00:00Z",
        "email": "someone@example.com",
        "uri": "https://example.com/",
        "decimal": str(number),
    }.get(node.get("format"), "x")


@pytest.mark.parametrize("number", [10**20, -(10**20), 2**63])
def test_a_number_past_what_a_column_holds_is_refused_not_a_500(everything, schema, number):
    """Valid JSON, but an id or amount no database column holds: refused by the serializers (or
    found not to exist), never an overflow in the database."""
    operations, clients = everything
    wrong = []
    for method, path, body_schema in operations:
        if not body_schema:
            continue
        body = json.dumps(_example(body_schema, schema, number))
        for username, client in clients.items():
            response = getattr(client, method)(path, body, content_type="application/json")
            if response.status_code >= 500:
                wrong.append(f"{username} {method.upper()} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
