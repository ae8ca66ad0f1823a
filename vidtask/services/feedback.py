"""Country feedback after dissemination: record it per series, or import a returned file.

Feeds `sprint_stats` (victims identified/safeguarded, offenders identified).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from vidtask.db.engine import Database
from vidtask.db.models import CountryFeedback, Packet, Series
from vidtask.domain.changes import Changes
from vidtask.domain.countries_basic import normalize_country_code
from vidtask.domain.errors import InvalidInput, NotFound
from vidtask.domain.limits import checked
from vidtask.domain.permissions import Action
from vidtask.interchange.packet_feedback import FeedbackEntry, parse_feedback
from vidtask.services.common import load_series
from vidtask.services.tx import WriteTx, write_tx


@dataclass(frozen=True, slots=True)
class FeedbackImport:
    packet_code: str
    recorded: int
    skipped_empty: int
    changes: Changes


def _record(tx: WriteTx, series: Series, country: str, entry: FeedbackEntry,
            packet_code: str | None) -> None:
    assert tx.actor is not None
    checked("country_feedback", "text", entry.text)
    row = CountryFeedback(
        series_id=series.id, country=country, packet_code=packet_code,
        victim_identified=entry.victim_identified, victim_safeguarded=entry.victim_safeguarded,
        offender_identified=entry.offender_identified, icse_updated=entry.icse_updated,
        reported_on=entry.reported_on, text=entry.text, recorded_by_id=tx.actor.id,
        created_at=tx.now)
    tx.session.add(row)
    tx.session.flush()
    tx.emit("feedback.recorded", "feedback", row.id, series_id=series.id, after={
        "country": country, "packet_code": packet_code,
        "victim_identified": entry.victim_identified,
        "victim_safeguarded": entry.victim_safeguarded,
        "offender_identified": entry.offender_identified, "icse_updated": entry.icse_updated,
        "reported_on": entry.reported_on, "text": entry.text})


def record_feedback(db: Database, actor: str, series_id: int, country: str, *,
                    victim_identified: bool | None = None,
                    victim_safeguarded: bool | None = None,
                    offender_identified: bool | None = None, icse_updated: bool | None = None,
                    reported_on: date | None = None, text: str = "",
                    packet_code: str | None = None) -> Changes:
    """Record what a country reported back about one series (from the GUI)."""
    code = normalize_country_code(country)
    entry = FeedbackEntry("", victim_identified, victim_safeguarded, offender_identified,
                          icse_updated, reported_on, text.strip())
    if entry.is_empty:
        raise InvalidInput("feedback", "say at least one thing the country reported")
    with write_tx(db, actor, Action.RECORD_FEEDBACK) as tx:
        _record(tx, load_series(tx.session, series_id), code, entry, packet_code)
    return tx.changes


def import_feedback(db: Database, actor: str, data: bytes) -> FeedbackImport:
    """Import a returned packet.json feedback block: all entries or none."""
    document = parse_feedback(data)
    with write_tx(db, actor, Action.RECORD_FEEDBACK) as tx:
        packets = list(tx.session.scalars(select(Packet).where(
            Packet.packet_code == document.packet_code)))
        if not packets:
            raise NotFound("packet", document.packet_code)
        packet = packets[0]
        if document.country and document.country != packet.country:
            raise InvalidInput("country", f"packet {packet.packet_code} went to "
                                          f"{packet.country}, not {document.country}")
        in_packet = {s.code: s for s in tx.session.scalars(
            select(Series).where(Series.id.in_([int(i) for i in packet.series_ids])))}
        recorded = skipped = 0
        for entry in document.entries:
            series = in_packet.get(entry.series_code)
            if series is None:
                raise InvalidInput("series", f"{entry.series_code!r} is not in packet "
                                             f"{packet.packet_code}")
            if entry.is_empty:
                skipped += 1
                continue
            _record(tx, series, packet.country, entry, packet.packet_code)
            recorded += 1
    return FeedbackImport(document.packet_code, recorded, skipped, tx.changes)
