"""The API's reference page (``/docs``), made here from the OpenAPI schema: the routes with
their parameters, request bodies and answers, served by the dashboard itself (Swagger UI
would load its script and style from a CDN, and the page was blank offline)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clv.web.deps import PageLang
from clv.web.views import page

router = APIRouter()
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any] | None) -> str:
    """A schema in a few words: its model's name, ``list of`` a model, or its type."""
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return "list of " + _schema_name(schema.get("items"))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_schema_name(s) for s in schema[key])
    return str(schema.get("type", schema.get("title", "")))


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The routes of ``spec`` (an OpenAPI document), grouped by tag, as the page lists them."""
    rows = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            answers = []
            for code, answer in sorted(op.get("responses", {}).items()):
                content = answer.get("content", {})
                schema = next(iter(content.values()), {}).get("schema") if content else None
                answers.append({"code": code, "what": answer.get("description", ""),
                                "schema": _schema_name(schema)})
            rows.append({
                "tag": (op.get("tags") or ["other"])[0], "method": method.upper(),
                "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [{"name": p["name"], "where": p.get("in", ""),
                                "required": p.get("required", False),
                                "schema": _schema_name(p.get("schema")),
                                "description": p.get("description", "")}
                               for p in op.get("parameters", [])],
                "body": {kind: _schema_name(c.get("schema")) for kind, c in body.items()},
                "answers": answers, "anchor": f"{method}-{path}".replace("/", "-")
                .replace("{", "").replace("}", "")})
    rows.sort(key=lambda r: (r["tag"], r["path"], r["method"]))
    return rows


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def reference(request: Request, lang: PageLang) -> HTMLResponse:
    """The API reference, from the application's own OpenAPI schema."""
    spec = request.app.openapi()
    ops = operations(spec)
    tags = list(dict.fromkeys(op["tag"] for op in ops))
    from clv.i18n import catalogue, t

    names = {tag: t(f"ref_tag_{tag}", lang) if f"ref_tag_{tag}" in catalogue() else tag
             for tag in tags}
    return page("reference.html.j2", request=request, lang=lang, ops=ops, tags=tags,
                tag_names=names,
                active="api", title=spec.get("info", {}).get("title", "clv"),
                version=spec.get("info", {}).get("version", ""))
