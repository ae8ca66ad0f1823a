"""What a re-imported record adds to a media row already stored: the merge rule of intake.

Facts only accumulate: a later file may fill what the stored row lacks or raise a flag, never
erase or silently overwrite. Where the file disagrees with what is stored, the stored value is
kept and the disagreement reported (docs/interchange.md, "Re-import").

- ``VictimIdentified`` / ``OffenderIdentified`` / ``IsDistributed``: ``True`` wins over ``False``
  or unknown (an identification is news the specialist must see); ``False`` only fills unknown.
  A stored ``True`` met by ``False`` is kept and reported.
- Category: fills an uncategorised row; a different code (or scheme) is kept and reported.
- SHA-1, SHA-256, PDQ, size, MIME type, MD5 (for a SHA1-only row), PhotoDNA: fill when missing;
  a different value is kept and reported. The source MediaID is kept as first seen.
- ``Tags``: the union, stored order first. Other VICS keys and provenance: fill when missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vidtask.domain.media import MediaRecord

_FLAGS = ("victim_identified", "offender_identified", "is_distributed")
_FILL = ("md5", "sha1", "sha256", "size_bytes", "mime_type")
_LABELS = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "size_bytes": "MediaSize",
           "mime_type": "MimeType", "pdq": "PDQ", "victim_identified": "VictimIdentified",
           "offender_identified": "OffenderIdentified", "is_distributed": "IsDistributed",
           "category_code": "Category", "PhotoDNA": "PhotoDNA"}


@dataclass(slots=True)
class Merge:
    """The columns to update (name → new value) and the disagreements, one sentence each."""

    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (field, sentence)


def merge_into(stored: dict[str, Any], incoming: MediaRecord) -> Merge:
    """The merge of ``incoming`` into the ``stored`` row (a mapping of media columns)."""
    merge = Merge()
    changes, conflicts = merge.changes, merge.conflicts
    for name in _FILL:
        new, old = getattr(incoming, name), stored[name]
        if new is None or new == old:
            continue
        if old is None:
            changes[name] = new
        else:
            conflicts.append((_LABELS[name], f"{_LABELS[name]} {old} kept; the file says {new}"))
    if incoming.pdq is not None and incoming.pdq != stored["pdq"]:
        if stored["pdq"] is None:
            changes["pdq"] = incoming.pdq
            changes["pdq_quality"] = incoming.pdq_quality
        else:
            conflicts.append(("PDQ", "PDQ kept; the file gives another"))
    for name in _FLAGS:
        new, old = getattr(incoming, name), stored[name]
        if new is None or new == old:
            continue
        if new or old is None:
            changes[name] = new
        else:
            conflicts.append((_LABELS[name], f"{_LABELS[name]} true kept; the file says false"))
    code, scheme = incoming.category_code, incoming.category_scheme
    if code is not None and (code, scheme) != (stored["category_code"],
                                              stored["category_scheme"]):
        if stored["category_code"] is None:
            changes["category_code"], changes["category_scheme"] = code, scheme
        else:
            conflicts.append(("Category", (
                f"category {stored['category_code']} ({stored['category_scheme']}) kept; "
                f"the file says {code} ({scheme})")))
    if stored["vics_media_id"] is None and incoming.vics_media_id is not None:
        changes["vics_media_id"] = incoming.vics_media_id
    extra = _merge_extra(stored["extra"] or {}, incoming.extra, conflicts)
    if extra is not None:
        changes["extra"] = extra
    provenance = _fill(stored["provenance"] or {}, incoming.provenance)
    if provenance is not None:
        changes["provenance"] = provenance
    return merge


def _merge_extra(old: dict[str, Any], new: dict[str, Any],
                 conflicts: list[tuple[str, str]]) -> dict[str, Any] | None:
    merged: dict[str, Any] | None = None
    for key, value in new.items():
        if value is None or value == old.get(key):
            continue
        if key == "Tags" and isinstance(value, list):
            tags = list(old.get("Tags") or [])
            added = [t for t in value if t not in tags]
            if added:
                merged = dict(old) if merged is None else merged
                merged["Tags"] = tags + added
        elif old.get(key) is None:
            merged = dict(old) if merged is None else merged
            merged[key] = value
        elif key == "PhotoDNA":
            conflicts.append(("PhotoDNA", "PhotoDNA kept; the file gives another"))
    return merged


def _fill(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    missing = {k: v for k, v in new.items() if k not in old}
    return {**old, **missing} if missing else None
