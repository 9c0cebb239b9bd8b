"""RFC-822 mail → the text a content model sees: subject + body, HTML stripped.

Headers are dropped on purpose: in the SpamAssassin corpus every message carries the
corpus's own relay hosts and dates, which would leak the label. What stays is what a mail
filter's content layer sees: the decoded subject and the text of the body parts (text/plain
preferred; text/html only when a message has no plain part, reduced to its visible text).
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.message
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser

_INVISIBLE = frozenset({"script", "style", "head", "title"})
_BLOCK = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"})


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self._hidden += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML document (scripts, styles and tags dropped, entities decoded)."""
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # html.parser gives up on some broken markup: keep what it read
        pass
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    """Lines stripped, runs of blank lines collapsed to one."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _decoded_header(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(value))).strip()
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return value.strip()


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("latin-1", errors="replace")


def _body(message: email.message.Message) -> str:
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_part_text(part))
        elif kind == "text/html":
            html.append(_part_text(part))
    if plain:
        return _tidy("\n".join(plain))
    return "\n".join(html_text(h) for h in html).strip()


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    sent: datetime | None  # the Date header, UTC (None when missing or unreadable)

    @property
    def text(self) -> str:
        """What the content model scores: the subject, a blank line, the body."""
        return f"{self.subject}\n\n{self.body}".strip()


def parse_mail(raw: str) -> Mail:
    """Subject, body text and date of one raw RFC-822 message (never raises on bad mail)."""
    message = email.message_from_string(raw)
    return Mail(_decoded_header(message["Subject"]), _body(message), _sent(message["Date"]))


def _sent(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    return sent.astimezone(UTC)
