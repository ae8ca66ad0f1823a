"""sprint issuer, organiser and contact for packets; the sprint's packet-signing key

Revision ID: 0006_sprint_issuer
Revises: 0005_identity

Sprints gain `organiser` (whose taskforce this is, named in every packet) and
`signing_public_key` (base64 of the raw Ed25519 public key, readable by everyone). The private
half lives in `sprint_signing_keys`; on PostgreSQL row-level security shows it to coordinators
and admins only (and the table owner, which bypasses RLS). Existing sprints get a key here.
See docs/security.md, "Packet signatures".
"""
import base64
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import vidtask.db.types

revision = '0006_sprint_issuer'
down_revision = '0005_identity'
branch_labels = None
depends_on = None


def _new_key() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    return private, base64.b64encode(public).decode("ascii")


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("sprints") as batch:
        batch.add_column(sa.Column("organiser", sa.String(length=200), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("signing_public_key", sa.String(length=64), nullable=False,
                                   server_default=""))
    op.create_table(
        "sprint_signing_keys",
        sa.Column("sprint_id", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("created_at", vidtask.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sprint_id"], ["sprints.id"], ondelete="CASCADE",
                                name=op.f("fk_sprint_signing_keys_sprint_id_sprints")),
        sa.PrimaryKeyConstraint("sprint_id", name=op.f("pk_sprint_signing_keys")),
    )
    now = datetime.now(UTC)
    keys = sa.table("sprint_signing_keys", sa.column("sprint_id", sa.Integer),
                    sa.column("algorithm", sa.String), sa.column("private_key", sa.Text),
                    sa.column("created_at", vidtask.db.types.UtcDateTime(timezone=True)))
    for (sprint_id,) in bind.execute(sa.text("SELECT id FROM sprints ORDER BY id")).all():
        private, public = _new_key()
        bind.execute(sa.insert(keys).values(sprint_id=sprint_id, algorithm="Ed25519",
                                            private_key=private, created_at=now))
        bind.execute(sa.text("UPDATE sprints SET signing_public_key = :k WHERE id = :i"),
                     {"k": public, "i": sprint_id})
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE sprint_signing_keys ENABLE ROW LEVEL SECURITY")
        op.execute("CREATE POLICY sprint_signing_keys_leads ON sprint_signing_keys "
                   "USING (vidtask_is_lead()) WITH CHECK (vidtask_is_lead())")
        op.execute("REVOKE ALL ON sprint_signing_keys FROM PUBLIC")


def downgrade() -> None:
    op.drop_table("sprint_signing_keys")
    with op.batch_alter_table("sprints") as batch:
        batch.drop_column("signing_public_key")
        batch.drop_column("organiser")
