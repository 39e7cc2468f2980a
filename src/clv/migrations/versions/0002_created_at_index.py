"""Index the history by time, for the history page of a long-lived store.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

``if_not_exists``: a database where the index was made but its version not recorded (a
process killed between the two before migrations ran in one transaction on SQLite) is
repaired, not refused for good.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_clv_analyses_created_at", "clv_analyses", ["created_at"],
                    if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_clv_analyses_created_at", table_name="clv_analyses")
