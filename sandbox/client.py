"""The HTTP client: ``ApiClient`` builds requests, sends them, and returns an :class:`Exchange`
for every answer — errors included, since showing them is the point of a sandbox.

Exceptions (all subclasses of :class:`SandboxError`):

- :class:`ApiResponseError` — only from :meth:`Exchange.raise_for_errors`, opt-in: the answer
  was 4xx/5xx; it carries the exchange and its JSON:API error objects.
- :class:`ConnectionFailed` — the request never got an answer (refused, timed out, DNS…).
- ``sandbox.auth.TokenError`` — the OAuth token endpoint refused the credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import orjson

from sandbox.exceptions import ApiResponseError, ConnectionFailed, SandboxError, SpecError

if TYPE_CHECKING:
    from sandbox.writes import Record

__all__ = [
    "JSON_API",
    "ApiClient",
    "ApiResponseError",
    "ConnectionFailed",
    "Exchange",
    "SandboxError",
]

JSON_API = "application/vnd.api+json"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# the storefront's request settings (reference §7.1): client setting → the header it sends
SETTING_HEADERS = {
    "localization": "X-Localization-ID",  # a localization id, from ``localizations``
    "currency": "X-Currency",  # a currency code, from ``currencies``
    "product_id": "X-Product-ID",  # "sku": products addressed by SKU ("JSON:API (SKU)")
}


@dataclass(frozen=True)
class ErrorObject:
    """One JSON:API error object, as Oro sends them."""

    status: str | None
    title: str | None
    detail: str | None
    pointer: str | None = None
    parameter: str | None = None
    meta: Mapping[str, Any] | None = None
    header: str | None = None  # JSON:API 1.1's source.header

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> ErrorObject:
        source = raw.get("source") or {}
        return cls(
            raw.get("status"),
            raw.get("title"),
            raw.get("detail"),
            source.get("pointer"),
            source.get("parameter"),
            raw.get("meta"),
            source.get("header"),
        )

    @classmethod
    def of_plain(cls, raw: Mapping[str, Any], status: int) -> ErrorObject:
        """One error of Oro's plain REST format (a request without a JSON:API media type):
        no status member (the response's is used), ``source`` a pointer or parameter string."""
        source = raw.get("source")
        source = source if isinstance(source, str) else None
        pointer = source if source is not None and source.startswith("/") else None
        parameter = source if source is not None and pointer is None else None
        return cls(str(status), raw.get("title"), raw.get("detail"), pointer, parameter)

    def __str__(self) -> str:
        where = self.pointer or self.parameter
        text = (
            f"{self.status} {self.title}: {self.detail}"
            if self.detail
            else f"{self.status} {self.title}"
        )
        return f"{text} ({where})" if where else text

    def __repr__(self) -> str:  # lists of errors stay readable in a notebook
        return f"<ErrorObject {self}>"


@dataclass(eq=False)
class Exchange:
    """One request and its response, with everything a learner wants to look at."""

    request: httpx.Request
    response: httpx.Response
    elapsed_ms: float
    sent_at: float = field(default_factory=time.time)  # epoch seconds

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return self.response.reason_phrase

    @property
    def ok(self) -> bool:
        return self.status < 400

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    @property
    def raw(self) -> bytes:
        return self.response.content

    @property
    def size(self) -> int:
        return len(self.response.content)

    @cached_property
    def document(self) -> Any:
        """The parsed JSON body, or None when the body is empty or not JSON."""
        if not self.raw:
            return None
        try:
            return orjson.loads(self.raw)
        except orjson.JSONDecodeError:
            return None

    @property
    def data(self) -> Any:
        return self.document.get("data") if isinstance(self.document, dict) else None

    @property
    def included(self) -> list[Any]:
        return self.document.get("included", []) if isinstance(self.document, dict) else []

    @property
    def include_ids(self) -> dict[str, str]:
        """Which real id each temporary id of the request's ``included`` items became
        (``meta.includeId`` → ``id`` of the response's ``included`` items)."""
        from sandbox.writes import include_ids

        return include_ids(self.document)

    @property
    def errors(self) -> list[ErrorObject]:
        """The error objects of a JSON:API error document, or of Oro's plain REST format (a
        top-level array of errors, in answer to a request without a JSON:API media type)."""
        if isinstance(self.document, dict) and isinstance(self.document.get("errors"), list):
            return [ErrorObject.of(e) for e in self.document["errors"] if isinstance(e, dict)]
        if not self.ok and isinstance(self.document, list):
            return [
                ErrorObject.of_plain(e, self.status) for e in self.document if isinstance(e, dict)
            ]
        return []

    @property
    def total_count(self) -> int | None:
        """``X-Include-Total-Count``, when the request asked for it with ``X-Include``."""
        value = self.headers.get("x-include-total-count")
        return int(value) if value is not None else None

    def raise_for_errors(self) -> Exchange:
        if not self.ok:
            raise ApiResponseError(self)
        return self

    def __repr__(self) -> str:
        target = self.request.url.raw_path.decode("ascii", "replace")
        data = self.data
        if isinstance(data, list):
            count = f", {len(data)} item{'s' if len(data) != 1 else ''}"
        elif self.errors:
            count = f", {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        else:
            count = ""
        return (
            f"<Exchange {self.request.method} {_unquote_brackets(target)} → {self.status}"
            f" {self.reason}{count}, {self.elapsed_ms:.0f} ms>"
        )


def _unquote_brackets(text: str) -> str:
    return text.replace("%5B", "[").replace("%5D", "]").replace("%5b", "[").replace("%5d", "]")


class ApiClient:
    """A client of an Oro-style JSON:API (``base_url`` is the API root, e.g. ``…/api``): the
    back-office API or OroCommerce's storefront API, which differ only in their root and in who
    signs in (a storefront ``PasswordGrant`` takes a customer user's email; ``Visitor`` is a
    guest).

    Shaped like httpx: :meth:`build_request` previews the exact request, :meth:`send` sends it.
    Every answer comes back as an :class:`Exchange`; nothing raises on 4xx/5xx unless asked.

    The storefront's request settings are headers every request carries (so previews, snippets
    and the history show them), given here or set later (``client.currency = "EUR"``; ``None``
    stops sending one); a request's own ``headers=`` still win:

    - ``localization`` — ``X-Localization-ID``: the id of a ``localizations`` record, the
      language of localized fields (Oro's default: the website's);
    - ``currency`` — ``X-Currency``: a ``currencies`` code, the currency of prices;
    - ``product_id`` — ``X-Product-ID``: ``"sku"`` addresses products by SKU.
    """

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth | None = None,
        *,
        http: httpx.Client | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        localization: int | str | None = None,
        currency: str | None = None,
        product_id: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.http = http or httpx.Client(timeout=timeout)
        self.headers = {"Accept": JSON_API, **(headers or {})}
        self.on_exchange = on_exchange  # e.g. a History's record
        given = {"localization": localization, "currency": currency, "product_id": product_id}
        for setting, value in given.items():
            if value is not None:
                self._set(setting, value)

    # --- the storefront's settings: headers of every request --------------------------------

    def _get(self, setting: str) -> str | None:
        name = SETTING_HEADERS[setting].lower()
        return next((v for k, v in self.headers.items() if k.lower() == name), None)

    def _set(self, setting: str, value: object) -> None:
        name = SETTING_HEADERS[setting]
        for key in [k for k in self.headers if k.lower() == name.lower()]:
            del self.headers[key]
        if value is not None:
            self.headers[name] = str(value)

    @property
    def localization(self) -> str | None:
        """``X-Localization-ID`` of every request (a localization id), or ``None``."""
        return self._get("localization")

    @localization.setter
    def localization(self, value: int | str | None) -> None:
        self._set("localization", value)

    @property
    def currency(self) -> str | None:
        """``X-Currency`` of every request (a currency code), or ``None``."""
        return self._get("currency")

    @currency.setter
    def currency(self, value: str | None) -> None:
        self._set("currency", value)

    @property
    def product_id(self) -> str | None:
        """``X-Product-ID`` of every request (``"sku"``: products by SKU), or ``None``."""
        return self._get("product_id")

    @product_id.setter
    def product_id(self, value: str | None) -> None:
        self._set("product_id", value)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """The exact request :meth:`send` would send (auth headers are added when sending).

        ``params`` may be a mapping, a list of pairs, or anything with ``params()`` and
        ``headers()`` such as a :class:`sandbox.Query` — whose ``query_string()`` is then sent
        as written (brackets and commas literal, as Oro's documentation writes them).
        """
        merged = httpx.Headers(self.headers)  # names match in any case, as in HTTP
        url = self.url(path)
        if hasattr(params, "params") and hasattr(params, "headers"):
            merged.update(params.headers())
            if hasattr(params, "query_string"):
                text = params.query_string()
                url, params = (f"{url}?{text}" if text else url), None
            else:
                params = params.params()
        if json is not None:
            content = orjson.dumps(json)
        if content is not None and "content-type" not in merged:
            merged["Content-Type"] = JSON_API
        merged.update(headers or {})
        return self.http.build_request(
            method.upper(), url, params=params, content=content, headers=merged
        )

    def signed(self, request: httpx.Request) -> httpx.Request:
        """``request`` with the headers the auth adds when sending (for a preview of the exact
        request): as it is when the auth would first need a round trip (a token not fetched
        yet). Nothing is sent."""
        if self.auth is None:
            return request
        copy = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.content
        )
        flow = self.auth.sync_auth_flow(copy)
        try:
            first = next(flow)
        except StopIteration:
            return request
        finally:
            flow.close()
        return first if first.url == request.url else request

    def send(self, request: httpx.Request) -> Exchange:
        started = time.perf_counter()
        try:
            response = self.http.send(request, auth=self.auth or httpx.USE_CLIENT_DEFAULT)
        except httpx.TransportError as error:
            raise ConnectionFailed(request, error) from error
        exchange = Exchange(request, response, (time.perf_counter() - started) * 1000)
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        return exchange

    def request(self, method: str, path: str, **kwargs: Any) -> Exchange:
        return self.send(self.build_request(method, path, **kwargs))

    def get(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("DELETE", path, **kwargs)

    def write(self, record: Record, *, validate: bool = False) -> Exchange:
        """Send a :class:`sandbox.writes.Record` with the records it reaches (``included``):
        PATCH ``type/id`` when it is marked ``update=True``, else POST ``type``."""
        document = record.document(validate=validate)
        if record.update:
            if record.id is None:
                raise SpecError("an update needs the record's id")
            return self.patch(f"{record.type}/{quote(record.id, safe='')}", json=document)
        return self.post(record.type, json=document)

    def options(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("OPTIONS", path, **kwargs)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        settings = "".join(
            f" {setting}={value!r}"
            for setting in SETTING_HEADERS
            if (value := self._get(setting)) is not None
        )
        return f"<ApiClient {self.base_url} auth={self.auth!r}{settings}>"
