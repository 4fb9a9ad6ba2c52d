"""The API's JSON parser. DRF's accepts what no request of ours means and lets it fail later as
a 500: nesting a thousand levels deep (Python's recursion limit) and numbers such as 1e999,
which become infinity and overflow the first integer or decimal that meets them. Both are
refused here, with a sentence, as a 400."""

import codecs
import json
import math

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

# No request body of ours nests deeper than a few levels; 32 leaves room and stops abuse.
MAX_DEPTH = 32


def _refuse_constant(name: str):
    raise ParseError(f"JSON parse error - {name} is not a number Charter accepts.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ParseError(f"JSON parse error - the number {text[:40]} is too large.")
    return value


def _deeper_than(data, limit: int) -> bool:
    """Whether ``data`` nests lists or objects more than ``limit`` levels (without recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class CharterJSONParser(JSONParser):
    """JSON with finite numbers, nested at most MAX_DEPTH levels. The body's size is Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads it through ``request.body``, which checks it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        too_deep = ParseError(f"JSON parse error - the body nests more than {MAX_DEPTH} levels.")
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=_refuse_constant,
                parse_float=_finite,
            )
        except RecursionError:
            raise too_deep from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        if _deeper_than(data, MAX_DEPTH):
            raise too_deep
        return data
