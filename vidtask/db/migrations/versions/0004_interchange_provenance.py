"""interchange: case headers and media provenance stored per import

Revision ID: 0004_interchange_provenance
Revises: 0003_database_rules

Reserved for issue 14; filled in by the work on that issue. Until then it changes nothing.
"""

revision = '0004_interchange_provenance'
down_revision = '0003_database_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
