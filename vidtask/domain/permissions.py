"""Which role may do what: the one table both the services and the UI consult."""

from __future__ import annotations

from enum import StrEnum

from vidtask.domain.enums import Role
from vidtask.domain.errors import PermissionDenied


class Action(StrEnum):
    CREATE_SPRINT = "create a sprint"
    EDIT_SPRINT = "change sprint settings"
    MANAGE_PARTICIPANTS = "manage participants"
    IMPORT_SERIES = "import series"
    EDIT_SERIES = "edit series details"
    CLAIM = "claim a series"
    FORCE_RELEASE = "force-release another person's claim"
    EDIT_CLUES = "record clues"
    ASSESS = "assess countries"
    PROPOSE = "propose a country"
    CONFIRM = "confirm a country"
    SEND_BACK = "send a series back"
    ELIMINATE = "eliminate a series"
    COMMENT = "comment"
    EXPORT_PACKETS = "export packets"
    RECORD_FEEDBACK = "record country feedback"
    OVERRIDE_HANDLING = "override a handling restriction"
    DRAFT_APPEAL = "draft a public appeal object"
    APPROVE_APPEAL = "approve a public appeal object"
    PUBLISH_APPEALS = "publish or withdraw public appeal objects"
    IMPORT_TIPS = "import a file of public tips"
    RECORD_TIP = "record a tip"
    TRIAGE_TIPS = "triage tips"
    SEE_TIP_CONTACTS = "see a tipster's contact details"


_EVERYONE = frozenset(Role)
_LEADS = frozenset({Role.COORDINATOR, Role.ADMIN})

ALLOWED_ROLES: dict[Action, frozenset[Role]] = {
    Action.CREATE_SPRINT: frozenset({Role.ADMIN}),  # the database grants sprints to admins
    Action.EDIT_SPRINT: frozenset({Role.ADMIN}),
    Action.MANAGE_PARTICIPANTS: frozenset({Role.ADMIN}),
    Action.IMPORT_SERIES: _LEADS,
    Action.EDIT_SERIES: _LEADS,
    Action.CLAIM: _EVERYONE,
    Action.FORCE_RELEASE: _LEADS,
    Action.EDIT_CLUES: _EVERYONE,
    Action.ASSESS: _EVERYONE,
    Action.PROPOSE: _EVERYONE,
    Action.CONFIRM: _LEADS,
    Action.SEND_BACK: _LEADS,
    Action.ELIMINATE: _LEADS,
    Action.COMMENT: _EVERYONE,
    Action.EXPORT_PACKETS: _LEADS,
    Action.RECORD_FEEDBACK: _LEADS,
    Action.OVERRIDE_HANDLING: _LEADS,
    Action.DRAFT_APPEAL: _EVERYONE,  # a specialist only on a series they hold
    Action.APPROVE_APPEAL: _LEADS,  # and never the person who drafted it (four-eyes)
    Action.PUBLISH_APPEALS: _LEADS,
    # the public form's files carry contact details, which only leads may read
    Action.IMPORT_TIPS: _LEADS,
    Action.RECORD_TIP: _EVERYONE,
    Action.TRIAGE_TIPS: _EVERYONE,
    Action.SEE_TIP_CONTACTS: _LEADS,
}


def may(role: Role | str, action: Action) -> bool:
    return Role(role) in ALLOWED_ROLES[action]


def require(role: Role | str, action: Action) -> None:
    if not may(role, action):
        raise PermissionDenied(action.value, Role(role).value)
