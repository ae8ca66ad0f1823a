"""interchange: case headers and media provenance stored per import

Revision ID: 0004_interchange_provenance
Revises: 0003_database_rules

- ``intake_cases``: the header of each VICS case an import read (CaseID, CaseNumber, Contact*,
  SeizureDate, SourceApplication*, CaseMetadata and other case keys in ``extra``), so a
  ``#Cases`` export gives them back instead of inventing new ones.
- ``media.intake_case_id``: the case a media row came in with (NULL for #Media files).
- ``media.provenance``: where a row came from, in our own keys, never exported as VICS keys
  (ICSE Agency / Investigation name / ZZ40 / Lace, NSRL FileName / ProductCode / CRC32 …).
- ``media.md5`` may be NULL for a SHA1-only record (NSRLConvert); such rows are unique per
  series by SHA-1 (a partial unique index), as MD5 rows are by (series_id, md5).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004_interchange_provenance'
down_revision = '0003_database_rules'
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'intake_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sprint_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('case_id', sa.String(length=200), nullable=True),
        sa.Column('case_number', sa.String(length=200), nullable=True),
        sa.Column('contact_organization', sa.String(length=200), nullable=True),
        sa.Column('contact_name', sa.String(length=200), nullable=True),
        sa.Column('contact_phone', sa.String(length=100), nullable=True),
        sa.Column('contact_email', sa.String(length=200), nullable=True),
        sa.Column('contact_title', sa.String(length=200), nullable=True),
        sa.Column('seizure_date', sa.String(length=50), nullable=True),
        sa.Column('source_application_name', sa.String(length=200), nullable=True),
        sa.Column('source_application_version', sa.String(length=100), nullable=True),
        sa.Column('extra', _JSON, nullable=False),
        sa.ForeignKeyConstraint(['sprint_id'], ['sprints.id'], name=op.f('fk_intake_cases_sprint_id_sprints'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_cases')),
    )
    with op.batch_alter_table('intake_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_cases_sprint_id'), ['sprint_id'], unique=False)
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('provenance', _JSON, nullable=False, server_default='{}'))
        batch_op.alter_column('md5', existing_type=sa.String(length=32), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_media_intake_case_id_intake_cases'), 'intake_cases', ['intake_case_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('a_hash', 'md5 IS NOT NULL OR sha1 IS NOT NULL')
    op.create_index('uq_media_series_sha1_without_md5', 'media', ['series_id', 'sha1'], unique=True,
                    sqlite_where=sa.text('md5 IS NULL'), postgresql_where=sa.text('md5 IS NULL'))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # the importing roles write case headers as they write media (see vidtask.db.roles)
        roles = [r[0] for r in bind.execute(sa.text(
            "SELECT rolname FROM pg_roles WHERE rolname IN ('vidtask_coordinator', 'vidtask_admin')"))]
        for role in roles:
            op.execute(f"GRANT INSERT, UPDATE, DELETE ON intake_cases TO {role}")
            op.execute(f"GRANT USAGE, SELECT ON SEQUENCE intake_cases_id_seq TO {role}")


def downgrade() -> None:
    op.drop_index('uq_media_series_sha1_without_md5', table_name='media')
    op.execute("DELETE FROM media WHERE md5 IS NULL")
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_constraint('ck_media_a_hash', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_media_intake_case_id_intake_cases'), type_='foreignkey')
        batch_op.alter_column('md5', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column('provenance')
        batch_op.drop_column('intake_case_id')
    with op.batch_alter_table('intake_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_cases_sprint_id'))
    op.drop_table('intake_cases')
