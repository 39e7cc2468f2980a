"""The dashboard's message catalogue, one module per part of the dashboard; each module
holds ``MESSAGES: dict[str, dict[str, str]]`` (key -> English and French text). Read them
with :func:`clv.i18n.t`; :func:`clv.i18n.catalogue` merges the modules."""
