"""The one way vidtask shows a date or a time to a person: the user's locale, via babel (CLDR).

Every screen, CLI line and document formats moments through these functions, so the app speaks
one date format. The locale comes from `set_user_locale()` (the desktop sets it from
`QLocale.system()` at start) or else the environment (`LC_ALL`, `LC_TIME`, `LANG`); the C/POSIX
locale, which names no real convention, reads as British English ("1 Dec 2026, 17:05").
Moments are shown in the machine's local time zone unless `utc=True` (documents that cross
borders state UTC explicitly). A document whose bytes must not depend on who made it (a packet)
passes `locale=` explicitly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

FALLBACK_LOCALE = "en_GB"
_chosen: str | None = None


def set_user_locale(name: str | None) -> None:
    """Use `name` (e.g. "de_DE", "en-GB") from now on; None goes back to the environment."""
    global _chosen  # noqa: PLW0603 - one process-wide setting, like the C library's locale
    _chosen = _usable(name.replace("-", "_")) if name else None


def user_locale() -> str:
    if _chosen is not None:
        return _chosen
    return _environment_locale()


@cache
def _environment_locale() -> str:
    from babel import default_locale

    return _usable(default_locale("LC_TIME"))


def _usable(name: str | None) -> str:
    from babel import Locale, UnknownLocaleError

    if not name or name.split("_")[0].lower() in {"c", "posix"} or name.endswith("_POSIX"):
        return FALLBACK_LOCALE
    try:
        return str(Locale.parse(name))
    except (UnknownLocaleError, ValueError):
        return FALLBACK_LOCALE


def _aware(moment: datetime, utc: bool) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC) if utc else moment.astimezone()


def format_date(day: date | datetime | None, *, utc: bool = False,
                locale: str | None = None) -> str:
    """'1 Dec 2026' (en_GB), '01.12.2026' (de_DE); '' for None."""
    if day is None:
        return ""
    from babel.dates import format_date as babel_date

    if isinstance(day, datetime):
        day = _aware(day, utc).date()
    return babel_date(day, "medium", locale=locale or user_locale())


def format_day(day: date | datetime | None, *, utc: bool = False,
                locale: str | None = None) -> str:
    """Day and month alone, for a chart's axis: '1 Dec' (en_GB), 'Dec 1' (en_US), '1. Dez.'
    (de_DE); '' for None."""
    if day is None:
        return ""
    from babel.dates import format_skeleton

    if isinstance(day, datetime):
        day = _aware(day, utc).date()
    return str(format_skeleton("MMMd", day, locale=locale or user_locale()))


def format_time(moment: datetime | None, *, utc: bool = False, locale: str | None = None,
                seconds: bool = False) -> str:
    """'17:05' (en_GB), '5:05 PM' (en_US); '17:05:09' with `seconds` (a log, a sync time);
    with ' UTC' appended when `utc`."""
    if moment is None:
        return ""
    text = _time_only(_aware(moment, utc), locale, seconds)
    return f"{text} UTC" if utc else text


def format_datetime(moment: datetime | None, *, utc: bool = False,
                    locale: str | None = None, seconds: bool = False) -> str:
    """'1 Dec 2026, 17:05' in the user's locale ('1 Dec 2026, 17:05:09' with `seconds`);
    ' UTC' appended when `utc`."""
    if moment is None:
        return ""
    chosen = locale or user_locale()
    shown = _aware(moment, utc)
    text = _datetime_pattern(chosen).replace(
        "{1}", format_date(shown, utc=utc, locale=chosen)).replace(
        "{0}", _time_only(shown, chosen, seconds))
    return f"{text} UTC" if utc else text


def date_pattern(locale: str | None = None) -> str:
    """The CLDR pattern `format_date` uses ('d MMM y' en_GB, 'dd.MM.y' de_DE), for a date
    field that must show what the rest of the app shows."""
    return _date_pattern(locale or user_locale())


def datetime_patterns(locale: str | None = None) -> tuple[str, str, str]:
    """`format_datetime`'s parts: its combination ('{1}, {0}'), the date and the time
    pattern ('HH:mm' en_GB, 'h:mm a' en_US)."""
    chosen = locale or user_locale()
    return _datetime_pattern(chosen), _date_pattern(chosen), _time_pattern(chosen)


@cache
def _date_pattern(locale: str) -> str:
    from babel import Locale

    return str(Locale.parse(locale).date_formats["medium"].pattern)


@cache
def _time_pattern(locale: str) -> str:
    from babel import Locale

    return str(Locale.parse(locale).time_formats["short"].pattern)


@cache
def _datetime_pattern(locale: str) -> str:
    from babel import Locale

    return str(Locale.parse(locale).datetime_formats.get("medium", "{1}, {0}"))


def _time_only(moment: datetime, locale: str | None = None, seconds: bool = False) -> str:
    from babel.dates import format_time as babel_time

    return babel_time(moment, "medium" if seconds else "short", locale=locale or user_locale())
