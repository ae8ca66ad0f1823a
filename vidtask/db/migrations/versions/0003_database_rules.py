"""database rules that hold against a hostile login

Revision ID: 0003_database_rules
Revises: 0002_security

Reserved for issue 12; filled in by the work on that issue. Until then it changes nothing.
"""

revision = '0003_database_rules'
down_revision = '0002_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
