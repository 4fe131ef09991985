"""Schemathesis hooks of `npm run fuzz`: every URL in a generated body or query points at loopback.

The engine calls merchants' callback URLs and gateways' base URLs; generated data must never make it call
anything but this machine. A string that a WHATWG URL parser would read as an http(s) URL (it drops tabs and line
breaks, and leading blanks) becomes http://127.0.0.1:9/fuzz, where nothing listens.
"""

import re

import schemathesis

LOOPBACK = "http://127.0.0.1:9/fuzz"
_IGNORED_BY_URL_PARSERS = re.compile(r"[\t\n\r]")
_HTTP_URL = re.compile(r"^[\x00-\x20]*https?:", re.IGNORECASE)


def _loopback(value):
    if isinstance(value, str):
        return LOOPBACK if _HTTP_URL.match(_IGNORED_BY_URL_PARSERS.sub("", value)) else value
    if isinstance(value, list):
        return [_loopback(v) for v in value]
    if isinstance(value, dict):
        return {k: _loopback(v) for k, v in value.items()}
    return value


@schemathesis.hook
def map_body(context, body):
    return _loopback(body)


@schemathesis.hook
def map_query(context, query):
    return _loopback(query)
