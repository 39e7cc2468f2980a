"""The API's reference page (``/docs``), made here from the OpenAPI schema: the routes with
their parameters, request bodies and answers, served by the dashboard itself (Swagger UI
would load its script and style from a CDN, and the page was blank offline).

The page speaks its language: each route's summary, each parameter's meaning and the usual
answers come from :mod:`clv.messages.reference` (``ref_op_<METHOD> <path>``,
``ref_param_<name>`` or ``ref_param_<METHOD> <path>_<name>``, ``ref_answer_<code>`` or
``ref_answer_<METHOD> <path>_<code>``); the longer descriptions, the routes' docstrings,
stay in English and are marked so."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clv.i18n import catalogue, t
from clv.web.deps import PageLang
from clv.web.views import page

router = APIRouter()
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any] | None, lang: str = "en") -> str:
    """A schema in a few words: its model's name, ``list of`` a model, or its type."""
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return t("ref_list_of", lang, what=_schema_name(schema.get("items"), lang))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_schema_name(s, lang) for s in schema[key])
    return str(schema.get("type", schema.get("title", "")))


def said(keys: tuple[str, ...], lang: str, fallback: str) -> tuple[str, bool]:
    """The first of the messages ``keys`` the catalogue has, in ``lang``, and True; else
    ``fallback`` (the schema's English) and False."""
    messages = catalogue()
    for key in keys:
        if key in messages:
            return t(key, lang), True
    return fallback, False


def operations(spec: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """The routes of ``spec`` (an OpenAPI document), grouped by tag, as the page lists them
    in ``lang``: each with its summary, its parameters' meanings and its answers in words of
    the catalogue where it has them (else the schema's English)."""
    rows = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            route = f"{method.upper()} {path}"
            body = op.get("requestBody", {}).get("content", {})
            answers = []
            for code, answer in sorted(op.get("responses", {}).items()):
                content: dict[str, Any] = answer.get("content", {})
                first: dict[str, Any] = next(iter(content.values()), {})
                schema = first.get("schema")
                what, _ = said((f"ref_answer_{route}_{code}", f"ref_answer_{code}"), lang,
                               answer.get("description", ""))
                answers.append({"code": code, "what": what,
                                "schema": _schema_name(schema, lang)})
            summary, _ = said((f"ref_op_{route}",), lang, op.get("summary", ""))
            parameters = []
            for p in op.get("parameters", []):
                meaning, _ = said((f"ref_param_{route}_{p['name']}", f"ref_param_{p['name']}"),
                                  lang, p.get("description", ""))
                where = p.get("in", "")
                parameters.append({
                    "name": p["name"], "required": p.get("required", False),
                    "where": said((f"ref_where_{where}",), lang, where)[0],
                    "schema": _schema_name(p.get("schema"), lang), "description": meaning})
            rows.append({
                "tag": (op.get("tags") or ["other"])[0], "method": method.upper(),
                "path": path, "summary": summary,
                "description": op.get("description", ""), "parameters": parameters,
                "body": {kind: _schema_name(c.get("schema"), lang) for kind, c in body.items()},
                "answers": answers, "anchor": f"{method}-{path}".replace("/", "-")
                .replace("{", "").replace("}", "")})
    rows.sort(key=lambda r: (r["tag"], r["path"], r["method"]))
    return rows


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def reference(request: Request, lang: PageLang) -> HTMLResponse:
    """The API reference, from the application's own OpenAPI schema, in the page's
    language."""
    spec = request.app.openapi()
    ops = operations(spec, lang)
    tags = list(dict.fromkeys(op["tag"] for op in ops))
    names = {tag: t(f"ref_tag_{tag}", lang) if f"ref_tag_{tag}" in catalogue() else tag
             for tag in tags}
    return page("reference.html.j2", request=request, lang=lang, ops=ops, tags=tags,
                tag_names=names,
                active="api", title=spec.get("info", {}).get("title", "clv"),
                version=spec.get("info", {}).get("version", ""))
