"""The claim operations every screen uses — claim, renew, release, claim next, force release —
each run as one `Op` with one set of words for what happened.

Each function tells the person (a notice) and hands the screen the outcome through optional
callbacks for what only that screen does (open the series, mark the board row). The Changes
go out on the window's bus; no screen reloads anything itself.
"""

from __future__ import annotations

from collections.abc import Callable

from vidtask.domain.changes import Changes
from vidtask.domain.dates import format_time
from vidtask.services import claims
from vidtask.services.claims import ClaimResult
from vidtask.ui.context import AppContext
from vidtask.ui.operations import Op

Won = Callable[[ClaimResult], object]
Failed = Callable[[BaseException], object]


def claimed_text(result: ClaimResult) -> str:
    return f"You claimed {result.code}; lease until {format_time(result.expires_at)}."


def renewed_text(result: ClaimResult) -> str:
    return f"Lease on {result.code} extended to {format_time(result.expires_at)}."


NOTHING_FREE = "No free series left in this sprint."


def _failed(ctx: AppContext, lost: Failed | None) -> Failed:
    def show(error: BaseException) -> None:
        ctx.notices.failure(error)
        if lost is not None:
            lost(error)

    return show


def claim(ctx: AppContext, series_id: int, *, won: Won | None = None,
          lost: Failed | None = None) -> None:
    """Claim one series (a ClaimConflict names the holder who was faster)."""
    def done(result: ClaimResult) -> None:
        ctx.notices.info(claimed_text(result))
        if won is not None:
            won(result)

    Op(ctx, claims.claim_series, ctx.db, ctx.login, series_id).success(done)\
        .failure(_failed(ctx, lost)).run()


def claim_next(ctx: AppContext, *, won: Won | None = None) -> None:
    """The next free series of the sprint by priority."""
    def done(result: ClaimResult | None) -> None:
        if result is None:
            ctx.notices.info(NOTHING_FREE)
            return
        ctx.notices.info(claimed_text(result))
        if won is not None:
            won(result)

    Op(ctx, claims.claim_next, ctx.db, ctx.login, ctx.sprint.id).success(done)\
        .publishing(lambda r: r.changes if r is not None else Changes()).run()


def renew(ctx: AppContext, series_id: int, *, done: Won | None = None,
          renew_fn: Callable[[int], ClaimResult] | None = None) -> None:
    """Extend a live lease (`renew_fn`: the lease keeper's, which also forgets its warning)."""
    def renewed(result: ClaimResult) -> None:
        ctx.notices.info(renewed_text(result))
        if done is not None:
            done(result)

    if renew_fn is not None:
        op = Op(ctx, renew_fn, series_id)
    else:
        op = Op(ctx, claims.renew_claim, ctx.db, ctx.login, series_id)
    op.success(renewed).run()


def release(ctx: AppContext, series_id: int, code: str, *,
            done: Callable[[], object] | None = None) -> None:
    def released(_changes: Changes) -> None:
        ctx.notices.info(f"Claim on {code} released.")
        if done is not None:
            done()

    Op(ctx, claims.release_claim, ctx.db, ctx.login, series_id).success(released).run()


def force_release(ctx: AppContext, series_id: int, code: str, reason: str) -> None:
    """A coordinator frees someone else's claim; the reason is kept in the log."""
    Op(ctx, claims.force_release, ctx.db, ctx.login, series_id, reason)\
        .success(lambda _c: ctx.notices.info(f"{code} force-released.")).run()
