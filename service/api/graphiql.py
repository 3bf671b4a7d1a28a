"""GraphiQL that works with no network: our own page plus npm-installed browser bundles.

Strawberry's built-in GraphiQL loads its scripts from a CDN, which an offline deployment cannot
reach. The bundles come from npm instead (service/api/graphiql/package.json, installed by
`make install` with `npm ci` into node_modules, never committed) and are served from an
allow-list at /graphiql/assets/{file}, versioned in the URL so browsers may cache them for good.
"""

from __future__ import annotations

import html
import json
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from service.api.request_ids import REQUEST_ID_HEADER

NODE_MODULES = Path(__file__).resolve().parent / "graphiql" / "node_modules"
ASSET_PREFIX = "/graphiql/assets"
IMMUTABLE = "public, max-age=31536000, immutable"

EXAMPLES = Path(__file__).resolve().parent / "examples"


@cache
def example_queries() -> tuple[str, ...]:
    """The example queries GraphiQL opens with, one tab each, in file-name order.

    They are files (service/api/examples/*.graphql) so that they are read, reviewed and tested
    as queries: tests/api/test_examples.py runs every one against the seeded service.
    """
    return tuple(path.read_text() for path in sorted(EXAMPLES.glob("*.graphql")))


@dataclass(frozen=True)
class Asset:
    package: str
    path: str
    media_type: str

    @property
    def file(self) -> Path:
        return NODE_MODULES / self.package / self.path

    def version(self) -> str:
        try:
            manifest = json.loads((NODE_MODULES / self.package / "package.json").read_text())
        except (OSError, ValueError):
            return "0"
        return str(manifest.get("version", "0"))


JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
ASSETS: dict[str, Asset] = {
    "react.production.min.js": Asset("react", "umd/react.production.min.js", JS),
    "react-dom.production.min.js": Asset("react-dom", "umd/react-dom.production.min.js", JS),
    "graphiql.min.js": Asset("graphiql", "graphiql.min.js", JS),
    "graphiql.min.css": Asset("graphiql", "graphiql.min.css", CSS),
    "explorer.umd.js": Asset("@graphiql/plugin-explorer", "dist/index.umd.js", JS),
    "explorer.css": Asset("@graphiql/plugin-explorer", "dist/style.css", CSS),
}
SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "explorer.umd.js",  # needs the GraphiQL global: after graphiql.min.js
)
STYLES = ("graphiql.min.css", "explorer.css")


def assets_installed(node_modules: Path = NODE_MODULES) -> bool:
    return all((node_modules / a.package / a.path).is_file() for a in ASSETS.values())


def asset_url(name: str) -> str:
    return f"{ASSET_PREFIX}/{name}?v={ASSETS[name].version()}"


async def serve_asset(request: Request) -> Response:
    """One allow-listed bundle file; anything else is 404 (no path is built from the URL)."""
    asset = ASSETS.get(request.path_params["file"])
    if asset is None or not asset.file.is_file():
        return PlainTextResponse("Not found\n", status_code=404)
    return FileResponse(
        asset.file,
        media_type=asset.media_type,
        headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )


def asset_routes() -> list[BaseRoute]:
    return [Route(ASSET_PREFIX + "/{file}", serve_asset, methods=["GET"])]


PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Transcripts GraphQL · GraphiQL</title>
{styles}
  <style nonce="{nonce}">html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script type="application/json" id="graphiql-config">{config}</script>
{scripts}
  <script nonce="{nonce}">
  (function () {{
    "use strict";
    var config = JSON.parse(document.getElementById("graphiql-config").textContent);
    var params = new URLSearchParams(window.location.search);
    var props = {{
      fetcher: GraphiQL.createFetcher({{
        url: config.endpoint,
        headers: {{ Accept: "application/graphql-response+json, application/json;q=0.9" }}
      }}),
      defaultQuery: config.examples[0],
      defaultTabs: config.examples.map(function (query) {{ return {{ query: query }}; }}),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false
    }};
    ["query", "variables", "operationName"].forEach(function (name) {{
      if (params.get(name)) {{ props[name] = params.get(name); }}
    }});
    if (props.query) {{ delete props.defaultTabs; }}  // a shared link opens just its query
    ReactDOM.createRoot(document.getElementById("graphiql"))
      .render(React.createElement(GraphiQL, props));
  }})();
  </script>
</body>
</html>
"""

MISSING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
  <h1>GraphiQL is not installed</h1>
  <p>The GraphQL API at <code>/graphql</code> works, but GraphiQL's browser files are missing
  from <code>{path}</code>.</p>
  <p>Run <code>make install</code> (it runs <code>npm ci</code> in
  <code>service/api/graphiql</code>) and reload this page.</p>
</body>
</html>
"""


def _csp(nonce: str) -> str:
    """Only this server may be reached: the page must work, and be seen to work, offline."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def render_page(nonce: str, endpoint: str = "/graphql") -> str:
    config = json.dumps({"endpoint": endpoint, "examples": list(example_queries())})
    # Inside <script>, "</" would end the element early: escape it the JSON way.
    config = config.replace("<", "\\u003c")
    scripts = "\n".join(
        f'  <script src="{html.escape(asset_url(name))}"></script>' for name in SCRIPTS
    )
    styles = "\n".join(
        f'  <link rel="stylesheet" href="{html.escape(asset_url(name))}">' for name in STYLES
    )
    return PAGE.format(
        styles=styles,
        nonce=nonce,
        config=config,
        scripts=scripts,
    )


def page_response(request_id: str, node_modules: Path = NODE_MODULES) -> Response:
    """The GraphiQL page, or a page telling the operator how to install it."""
    if not assets_installed(node_modules):
        response: Response = HTMLResponse(
            MISSING.format(path=html.escape(str(node_modules))), status_code=503
        )
    else:
        nonce = secrets.token_urlsafe(16)
        response = HTMLResponse(render_page(nonce))
        response.headers["Content-Security-Policy"] = _csp(nonce)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers[REQUEST_ID_HEADER] = request_id
    return response
