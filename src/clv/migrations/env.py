"""Alembic environment: runs on the connection ``clv.store.Store`` hands over."""

from alembic import context

VERSION_TABLE = "clv_alembic_version"

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
