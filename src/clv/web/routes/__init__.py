"""The dashboard's routes, one router per part: ``data`` (upload, database sources, mapping,
starting an analysis), ``jobs`` (progress, cancel), ``pages`` (the analysis's pages), ``api``
(the analysis as JSON), ``exports`` (CSV, XLSX, the HTML report), ``tools`` (calculator,
history)."""
