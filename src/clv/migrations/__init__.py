"""Alembic migrations of the history store's tables (``clv.store``), applied by ``Store``
when it opens a database. The version is kept in ``clv_alembic_version``, apart from any
Alembic history of the database's own application."""
