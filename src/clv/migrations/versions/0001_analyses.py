"""The history of analyses: clv_analyses.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Databases made before migrations (by ``create_all``) already have the table: it is kept.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("clv_analyses"):
        return
    op.create_table(
        "clv_analyses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("model", sa.String(50), nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("kpis", sa.Text, nullable=False))


def downgrade() -> None:
    op.drop_table("clv_analyses")
