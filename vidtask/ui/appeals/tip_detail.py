"""The selected tip in full, as the inbox's detail pane shows it (HTML, every value escaped)."""

from __future__ import annotations

import html

from vidtask.domain import wording
from vidtask.domain.countries_basic import country_label
from vidtask.domain.dates import format_datetime
from vidtask.services.tips import TipDetail

NO_TIP_HTML = "<p><i>Select a tip to read it in full.</i></p>"


def tip_detail_html(detail: TipDetail, *, with_contact: bool) -> str:
    """Reference, object, text, what it suggests, the contact (`with_contact`: only readers who
    may see contacts), how and when it came and what became of it."""
    e = html.escape
    country = (f"{e(detail.suggested_country)} {e(country_label(detail.suggested_country))}"
               if detail.suggested_country else "no country vidtask could read")
    contact = ""
    if with_contact:
        contact = (f"<p><b>Contact:</b> {e(detail.contact)}</p>" if detail.contact
                   else "<p><b>Contact:</b> none left (anonymous)</p>")
    same = (f" · {detail.group_size} tips with this text about {e(detail.public_id)}"
            if detail.group_size > 1 else "")
    clue = f" · became clue CL-{detail.clue_id}" if detail.clue_id else ""
    triaged = (f"<br>{e(wording.tip_status(detail.status))} by {e(detail.triaged_by)}, "
               f"{e(format_datetime(detail.triaged_at))}" if detail.triaged_by else "")
    return (
        f"<h3>{e(detail.reference)} about {e(detail.public_id)} "
        f"({e(detail.object_type)}, series {e(detail.series_code)})</h3>"
        f"<p>{e(detail.text)}</p>"
        f"<p><b>Suggests:</b> {e(detail.suggested_place or '—')} → {country}</p>"
        f"{contact}<p><small>Received {e(format_datetime(detail.received_at))} by "
        f"{e(detail.channel)} ({e(detail.source)}) · "
        f"{e(wording.tip_status(detail.status))}{same}{clue}{triaged}</small></p>")
