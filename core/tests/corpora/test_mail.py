"""Raw mail → subject + body text (no headers), on hand-made messages."""

from __future__ import annotations

from datetime import UTC, datetime

from driftscope.corpora.mail import html_text, parse_mail

PLAIN = """From: a@example.com
Received: from relay.example.net by mx.example.org
Subject: Lunch on Friday?
Date: Tue, 06 Aug 2002 11:48:09 +0100

Shall we meet at noon?

  See you.
"""


def test_plain_mail_keeps_subject_and_body_but_no_headers() -> None:
    mail = parse_mail(PLAIN)
    assert mail.subject == "Lunch on Friday?"
    assert mail.body == "Shall we meet at noon?\n\nSee you."
    assert mail.text == "Lunch on Friday?\n\nShall we meet at noon?\n\nSee you."
    assert "relay.example.net" not in mail.text
    assert mail.sent == datetime(2002, 8, 6, 10, 48, 9, tzinfo=UTC)


MULTIPART = """Subject: =?utf-8?b?R3LDvMOfZSDwn5iA?=
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: multipart/alternative; boundary="YY"

--YY
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

w5xiZXJyYXNjaHVuZyAhIOaXpeacrA==
--YY
Content-Type: text/html

<p>ignored: a plain part exists</p>
--YY--
--XX
Content-Type: text/plain
Content-Disposition: attachment; filename="notes.txt"

attachment text is not the message
--XX--
"""


def test_multipart_prefers_plain_decodes_charsets_and_skips_attachments() -> None:
    mail = parse_mail(MULTIPART)
    assert mail.subject == "Grüße 😀"
    assert mail.body == "Überraschung ! 日本"
    assert mail.sent is None


HTML_ONLY = """Subject: WIN
Content-Type: text/html; charset=x-unknown-charset

<html><head><title>t</title><style>p {color: red}</style></head>
<body><p>Click&nbsp;<a href="http://x.example">HERE</a> &amp; win</p>
<script>alert(1)</script><div>now!</div></body></html>
"""


def test_html_only_mail_is_reduced_to_its_visible_text() -> None:
    mail = parse_mail(HTML_ONLY)
    assert mail.body == "Click\xa0HERE & win\n\nnow!"


def test_html_text_of_broken_markup_keeps_what_it_read() -> None:
    assert html_text("<b>bold <i>open") == "bold open"
    assert html_text("") == ""


def test_bad_date_and_missing_subject_never_raise() -> None:
    mail = parse_mail("Date: not a date\n\nbody only\n")
    assert (mail.subject, mail.body, mail.sent, mail.text) == ("", "body only", None, "body only")
