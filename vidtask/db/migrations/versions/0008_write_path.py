"""write path: commit-ordered versions without one hot row

Revision ID: 0008_write_path
Revises: 0007_appeals

Reserved for issue 19; filled in by the work on that issue. Until then it changes nothing.
"""

revision = '0008_write_path'
down_revision = '0007_appeals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
