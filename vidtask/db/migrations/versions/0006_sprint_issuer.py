"""sprint issuer, organiser and contact for packets

Revision ID: 0006_sprint_issuer
Revises: 0005_identity

Reserved for issue 13; filled in by the work on that issue. Until then it changes nothing.
"""

revision = '0006_sprint_issuer'
down_revision = '0005_identity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
