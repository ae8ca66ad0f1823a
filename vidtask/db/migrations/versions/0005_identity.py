"""identity: the database login beside the participant on every event

Revision ID: 0005_identity
Revises: 0004_interchange_provenance

Reserved for issue 16; filled in by the work on that issue. Until then it changes nothing.
"""

revision = '0005_identity'
down_revision = '0004_interchange_provenance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
