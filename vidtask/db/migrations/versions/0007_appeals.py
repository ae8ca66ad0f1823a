"""Trace an Object: appeal objects and tips

Revision ID: 0007_appeals
Revises: 0006_sprint_issuer

Reserved for issue 17; filled in by the work on that issue. Until then it changes nothing.
"""

revision = '0007_appeals'
down_revision = '0006_sprint_issuer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
