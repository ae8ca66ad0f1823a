"""The public Trace-an-Object pages: a static, accessible page set anyone may put on the web.

`site_files` turns `PublicObject`s into files: `index.html` (every published object with its
crop, type and question), `objects/<ID>.html` (one page per object), `images/<ID>.png|jpg`,
`objects.json` (the same, machine-readable) and `style.css`. It is given only what the public
may see — the public ID, object type, question, region hint, the sanitised crop and the date it
went public — so it cannot print a series code, an alias, a clue, a hash or an officer's name
(tests/interchange/test_appeal_site.py leak-tests it). Output is deterministic: the same
objects give the same bytes.

Accessibility (WCAG 2.1 AA, checked by axe-core in a real browser in the tests): a language,
titles, a skip link, landmarks, one h1 per page and headings in order, every image with a text
alternative naming the object, text contrast above 4.5:1, links that say where they go, no
layout table, sizes given so nothing jumps while images load.

Dates read as everywhere else in vidtask (`domain.dates.format_date`), in one fixed locale like
packets: the pages are English and must not depend on who published them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vidtask.domain.dates import format_date

PROGRAMME = "Trace an Object"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}
#: Files this module writes, relative to the output folder (the publisher removes stale ones
#: of the two folders below, and nothing else).
PAGE_FOLDER = "objects"
IMAGE_FOLDER = "images"
_SAFE_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
PAGE_LOCALE = "en_GB"  # the pages' language is English (lang="en"); packets use the same

STYLE = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 1.05rem;
       line-height: 1.5; color: #1a1a1a; background: #ffffff; }
a { color: #0b4f8a; text-decoration: underline; }
a:focus, a:hover { color: #062f52; outline: 3px solid #f2b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #ffffff; padding: .5rem 1rem; }
.skip:focus { left: .5rem; }
header, main, footer { max-width: 70rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { border-bottom: 4px solid #0b4f8a; }
.programme { font-weight: bold; text-transform: uppercase; letter-spacing: .08em;
             color: #0b4f8a; margin: 0; }
h1 { font-size: 1.9rem; margin: .3rem 0 .6rem; }
ul.objects { list-style: none; padding: 0; display: grid; gap: 1.5rem;
             grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
ul.objects li { border: 1px solid #8c8c8c; border-radius: 6px; padding: .75rem;
                background: #fafafa; }
img { max-width: 100%; height: auto; display: block; background: #eeeeee; }
figure { margin: 0 0 1rem; }
figcaption, .meta { color: #4a4a4a; font-size: .95rem; }
.question { font-size: 1.2rem; font-weight: bold; }
footer { border-top: 1px solid #8c8c8c; color: #333333; }
"""


@dataclass(frozen=True, slots=True)
class PublicObject:
    """Everything the public pages say about one object: nothing else reaches them."""

    public_id: str
    object_type: str
    question: str
    region_hint: str
    image: bytes
    mime: str
    width: int
    height: int
    published_on: date

    @property
    def image_name(self) -> str:
        return f"{self.public_id}.{EXTENSIONS[self.mime]}"


def _natural(public_id: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part
                 for part in re.split(r"(\d+)", public_id) if part)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _page(title: str, body: str, *, css: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<link rel=\"stylesheet\" href=\"{css}\">\n"
            f"</head>\n<body>\n{body}</body>\n</html>\n").encode()


def _how_to_tip(obj: PublicObject | None, tip_url: str | None) -> str:
    about = f" about {_e(obj.public_id)}" if obj else ""
    quote = (f"quote the object's ID, <strong>{_e(obj.public_id)}</strong>"
             if obj else "quote the object's ID")
    if tip_url:
        target = tip_url + (("&" if "?" in tip_url else "?") + f"object={obj.public_id}"
                            if obj else "")
        return (f"<p><a href=\"{_e(target)}\">Send a tip{about}</a> — {quote}. "
                "You may stay anonymous; leave a contact only if you want to be asked "
                "about your tip.</p>")
    return (f"<p>To send a tip{about}, use the tip form of the organisation that published "
            f"this page and {quote}. You may stay anonymous.</p>")


def _day(day: date) -> str:
    """'1 Dec 2026', with the ISO date for machines in the <time> element."""
    return (f"<time datetime=\"{day.isoformat()}\">"
            f"{_e(format_date(day, locale=PAGE_LOCALE))}</time>")


def _alt(obj: PublicObject) -> str:
    return f"Object {obj.public_id}: {obj.object_type}, cropped from a photograph"


def index_page(objects: Sequence[PublicObject], *, tip_url: str | None,
               published_on: date) -> bytes:
    items = []
    for obj in objects:
        page = f"{PAGE_FOLDER}/{obj.public_id}.html"
        items.append(
            f"<li>\n<article aria-labelledby=\"o-{_e(obj.public_id)}\">\n"
            f"<img src=\"{IMAGE_FOLDER}/{_e(obj.image_name)}\" width=\"{obj.width}\" "
            f"height=\"{obj.height}\" alt=\"{_e(_alt(obj))}\">\n"
            f"<h3 id=\"o-{_e(obj.public_id)}\"><a href=\"{_e(page)}\">{_e(obj.public_id)}: "
            f"{_e(obj.object_type)}</a></h3>\n"
            f"<p>{_e(obj.question)}</p>\n</article>\n</li>\n")
    listing = ("<ul class=\"objects\">\n" + "".join(items) + "</ul>\n" if items
               else "<p>No object is on appeal at the moment.</p>\n")
    count = len(objects)
    body = (
        "<a class=\"skip\" href=\"#main\">Skip to the objects</a>\n"
        f"<header>\n<p class=\"programme\">{PROGRAMME}</p>\n"
        "<h1>Do you recognise one of these objects?</h1>\n"
        "<p>Each picture is a detail cut from the background of a photograph in a child abuse "
        "investigation: nothing else of the photograph is shown. If you know where an object "
        "is sold, made or used, your tip can help find the country, and then the child.</p>\n"
        "</header>\n"
        f"<main id=\"main\">\n<h2>Objects on appeal ({count})</h2>\n{listing}"
        f"<h2>How to help</h2>\n{_how_to_tip(None, tip_url)}\n</main>\n"
        f"<footer>\n<p>Updated {_day(published_on)}. "
        "<a href=\"objects.json\">The same objects as data (JSON)</a>.</p>\n</footer>\n")
    return _page(f"{PROGRAMME}: do you recognise one of these objects?", body, css="style.css")


def object_page(obj: PublicObject, *, tip_url: str | None) -> bytes:
    hint = (f"<p class=\"meta\">Where to look: {_e(obj.region_hint)}</p>\n"
            if obj.region_hint else "")
    body = (
        "<a class=\"skip\" href=\"#main\">Skip to the object</a>\n"
        f"<header>\n<p class=\"programme\">{PROGRAMME}</p>\n"
        f"<h1>{_e(obj.public_id)}: {_e(obj.object_type)}</h1>\n"
        "<p><a href=\"../index.html\">All objects on appeal</a></p>\n</header>\n"
        "<main id=\"main\">\n<figure>\n"
        f"<img src=\"../{IMAGE_FOLDER}/{_e(obj.image_name)}\" width=\"{obj.width}\" "
        f"height=\"{obj.height}\" alt=\"{_e(_alt(obj))}\">\n"
        f"<figcaption>Object {_e(obj.public_id)}, on appeal since "
        f"{_day(obj.published_on)}.</figcaption>\n</figure>\n"
        f"<h2>Our question</h2>\n<p class=\"question\">{_e(obj.question)}</p>\n{hint}"
        f"<h2>How to help</h2>\n{_how_to_tip(obj, tip_url)}\n</main>\n"
        "<footer>\n<p><a href=\"../index.html\">Back to all objects</a></p>\n</footer>\n")
    return _page(f"{obj.public_id}: {obj.object_type} — {PROGRAMME}", body, css="../style.css")


def objects_json(objects: Sequence[PublicObject], *, published_on: date) -> bytes:
    document = {
        "programme": PROGRAMME,
        "updated": published_on.isoformat(),
        "objects": [{
            "id": o.public_id, "object_type": o.object_type, "question": o.question,
            "region_hint": o.region_hint, "page": f"{PAGE_FOLDER}/{o.public_id}.html",
            "image": f"{IMAGE_FOLDER}/{o.image_name}", "image_type": o.mime,
            "image_width": o.width, "image_height": o.height,
            "on_appeal_since": o.published_on.isoformat(),
        } for o in objects],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def site_files(objects: Sequence[PublicObject], *, published_on: date,
               tip_url: str | None = None) -> dict[str, bytes]:
    """Relative path → content of every file of the page set (index.html last)."""
    for obj in objects:
        if not _SAFE_ID.match(obj.public_id):  # it names files: never a path
            raise ValueError(f"unsafe public ID {obj.public_id!r}")
        if obj.mime not in EXTENSIONS:
            raise ValueError(f"unsupported image type {obj.mime!r}")
    ordered = sorted(objects, key=lambda o: _natural(o.public_id))
    files: dict[str, bytes] = {"style.css": STYLE.encode("utf-8")}
    for obj in ordered:
        files[f"{IMAGE_FOLDER}/{obj.image_name}"] = obj.image
        files[f"{PAGE_FOLDER}/{obj.public_id}.html"] = object_page(obj, tip_url=tip_url)
    files["objects.json"] = objects_json(ordered, published_on=published_on)
    files["index.html"] = index_page(ordered, tip_url=tip_url, published_on=published_on)
    return files
