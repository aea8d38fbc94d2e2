"""The `/docs` page: the OpenAPI document as plain HTML, rendered on the server.

FastAPI's Swagger UI loads its JavaScript and CSS from a CDN, and no pinned package ships those files,
so we render the endpoint list ourselves: no script, one same-origin stylesheet, every text escaped.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2329; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .3rem; border-top: 1px solid #d5dbe1; padding-top: 1rem; }
h3 { font-size: .95rem; margin: 1rem 0 .3rem; color: #46525e; }
code { font: .92em ui-monospace, monospace; }
.method { display: inline-block; min-width: 3.4rem; padding: 0 .35rem; margin-right: .4rem; border-radius: 3px;
          color: #fff; background: #1f6f8b; font: 600 .8rem/1.6 ui-monospace, monospace; text-align: center; }
.method.post { background: #b0552a; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #e6eaee; }
th { color: #46525e; font-weight: 600; }
.req { color: #b0552a; font-size: .8rem; }
nav ul { columns: 2; padding-left: 1.2rem; }
.desc { white-space: pre-line; }
"""

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return schema


def _type(schema: dict[str, Any]) -> str:
    """A short human spelling of a JSON Schema type: `string`, `integer ≥ 1`, `day | week`, `string | null`."""
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    if "anyOf" in schema:  # an optional value's "| null" says nothing the default column does not
        return " | ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null") or "null"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    text = str(schema.get("type", "any"))
    if text == "array" and isinstance(schema.get("items"), dict):
        text = f"array of {_type(schema['items'])}"
    limits = [("minimum", "≥"), ("maximum", "≤"), ("minLength", "length ≥"), ("maxLength", "length ≤")]
    extra = [f"{sign} {schema[key]}" for key, sign in limits if key in schema]
    if "pattern" in schema:
        extra.append(f"pattern {schema['pattern']}")
    return text + (f" ({', '.join(extra)})" if extra else "")


def _anchor(method: str, path: str) -> str:
    return method + "-" + "".join(c if c.isalnum() else "-" for c in path).strip("-")


def _params_table(params: list[dict[str, Any]]) -> list[str]:
    rows = ["<table><tr><th>name</th><th>in</th><th>type</th><th>default</th><th>meaning</th></tr>"]
    for p in params:
        schema = p.get("schema", {})
        default = json.dumps(schema["default"], ensure_ascii=False) if "default" in schema else ""
        examples = p.get("examples") or schema.get("examples") or []
        if isinstance(examples, dict):  # OpenAPI's named examples
            examples = [e.get("value") for e in examples.values() if isinstance(e, dict)]
        example = f" e.g. <code>{escape(str(examples[0]))}</code>" if examples else ""
        required = ' <span class="req">required</span>' if p.get("required") else ""
        rows.append(
            f"<tr><td><code>{escape(str(p.get('name', '')))}</code>{required}</td><td>{escape(str(p.get('in', '')))}</td>"
            f"<td>{escape(_type(schema))}</td><td><code>{escape(default)}</code></td>"
            f"<td>{escape(str(p.get('description', '')))}{example}</td></tr>"
        )
    rows.append("</table>")
    return rows


def _body_table(body: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    content = body.get("content", {})
    media, entry = next(iter(content.items()), ("", {}))
    schema = _resolve(entry.get("schema", {}), spec)
    required = set(schema.get("required", []))
    params = [
        {"name": name, "in": f"body ({media})", "required": name in required, "schema": prop,
         "description": prop.get("description", ""), "examples": prop.get("examples")}
        for name, prop in schema.get("properties", {}).items()
    ]
    return ["<h3>Request body</h3>", *_params_table(params)]


def render(spec: dict[str, Any], openapi_url: str, stylesheet_url: str) -> str:
    """The whole page for an OpenAPI document."""
    info = spec.get("info", {})
    title = f"{info.get('title', 'API')} {info.get('version', '')}".strip()
    out = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f'<link rel="stylesheet" href="{escape(stylesheet_url)}">', "</head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="desc">{escape(str(info.get("description", "")))}</p>',
        f'<p>The machine-readable document: <a href="{escape(openapi_url)}">{escape(openapi_url)}</a>.</p>',
    ]
    operations = [
        (path, method, op) for path, item in spec.get("paths", {}).items()
        for method, op in item.items() if method in METHODS and isinstance(op, dict)
    ]
    out.append("<nav><ul>")
    for path, method, op in operations:
        out.append(f'<li><a href="#{_anchor(method, path)}"><code>{escape(method.upper())} {escape(path)}</code></a>'
                   f" {escape(str(op.get('summary', '')))}</li>")
    out.append("</ul></nav>")
    for path, method, op in operations:
        out.append(f'<section id="{_anchor(method, path)}">')
        out.append(f'<h2><span class="method {escape(method)}">{escape(method.upper())}</span><code>{escape(path)}</code></h2>')
        if op.get("summary"):
            out.append(f"<p><strong>{escape(str(op['summary']))}</strong></p>")
        if op.get("description"):
            out.append(f'<p class="desc">{escape(str(op["description"]))}</p>')
        if op.get("parameters"):
            out += ["<h3>Parameters</h3>", *_params_table(op["parameters"])]
        if op.get("requestBody"):
            out += _body_table(op["requestBody"], spec)
        responses = op.get("responses", {})
        if responses:
            out.append("<h3>Responses</h3><table>")
            for code, resp in responses.items():
                media = ", ".join(resp.get("content", {}) or [])
                out.append(f"<tr><td><code>{escape(str(code))}</code></td><td>{escape(str(resp.get('description', '')))}</td>"
                           f"<td><code>{escape(media)}</code></td></tr>")
            out.append("</table>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)
