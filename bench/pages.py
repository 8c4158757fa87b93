"""Pages: bytes of HTML, CSS and JS each main page costs a first-time visitor, raw and gzipped.

Pages are fetched in-process (Flask's test client, a throwaway SQLite database, offline coach) as a logged-in
member where the page needs one. Each page's same-origin stylesheets and scripts are fetched and counted with it.
gzip is level 6 (what nginx and most CDNs use); the app itself does not compress responses, so "gzip" is what a
compressing proxy in front of it would send. The ratio printed is gzip / raw.

    .venv/bin/python bench/pages.py [--json out.json]
"""
from __future__ import annotations

import argparse
import gzip
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


class AssetFinder(HTMLParser):
    """Collects the stylesheets and scripts a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.css.append(a["href"])  # type: ignore[arg-type]
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])  # type: ignore[arg-type]


def same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.netloc or parts.hostname in ("localhost", "127.0.0.1")


def measure(client, path: str, cache: dict[str, bytes]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    html = response.get_data()
    finder = AssetFinder()
    finder.feed(html.decode("utf-8", "replace"))
    out: dict[str, Any] = {"path": path, "html": len(html), "html_gz": len(gzip.compress(html, 6)),
                           "compressed_by_app": response.headers.get("Content-Encoding", "") != ""}
    for kind, urls in (("css", finder.css), ("js", finder.js)):
        raw = gz = 0
        for url in urls:
            if not same_origin(url):
                continue
            local = urlsplit(url).path
            if local not in cache:
                asset = client.get(local)
                if asset.status_code != 200:
                    raise RuntimeError(f"{local}: {asset.status_code}")
                cache[local] = asset.get_data()
                out.setdefault("asset_cache_control", {})[local] = asset.headers.get("Cache-Control", "")
            raw += len(cache[local])
            gz += len(gzip.compress(cache[local], 6))
        out[kind], out[f"{kind}_gz"], out[f"{kind}_files"] = raw, gz, len(urls)
    out["total"] = out["html"] + out["css"] + out["js"]
    out["total_gz"] = out["html_gz"] + out["css_gz"] + out["js_gz"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    args = parser.parse_args()
    env = common.app_env(common.sqlite_url("pages"))
    app = common.make_app(env)
    common.reset_database(app)
    users = common.create_users_and_sessions(app, 1, 1, num_questions=5, prefix="pages-")
    email, infos = next(iter(users.items()))
    session_id = infos[0]["id"]

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = common.USER_AGENT
    cache: dict[str, bytes] = {}
    pages = [("landing", "/"), ("salary guide", "/salaries/software-engineer"), ("login", "/login")]
    results = [dict(measure(client, path, cache), name=name) for name, path in pages]

    token = common.csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": common.PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")
    token = common.csrf_from(client.get(f"/practice/sessions/{session_id}").get_data(as_text=True))
    for i in range(4):  # a session page with a few scored answers on it, as a member sees it mid-interview
        client.post(f"/practice/sessions/{session_id}/answer",
                    data={"answer": common.ANSWERS[i % 3], "csrf_token": token})
    for name, path in [("practice home", "/practice"), ("session (4 answers)", f"/practice/sessions/{session_id}"),
                       ("history", "/sessions")]:
        results.append(dict(measure(client, path, cache), name=name))

    print(f"{'page':<22}{'HTML':>9}{'CSS':>9}{'JS':>9}{'total':>9}{'gzip':>9}{'gzip/raw':>10}")
    for r in results:
        print(f"{r['name']:<22}{r['html']:>9,}{r['css']:>9,}{r['js']:>9,}{r['total']:>9,}{r['total_gz']:>9,}"
              f"{r['total_gz'] / r['total']:>10.2f}")
    compressed = any(r["compressed_by_app"] for r in results)
    cache_control = {k: v for r in results for k, v in r.get("asset_cache_control", {}).items()}
    print(f"responses compressed by the app itself: {'yes' if compressed else 'no'}; "
          f"static Cache-Control: {sorted(set(cache_control.values())) or ['(none)']}")
    common.write_result(args.json, {"pages": results, "compressed_by_app": compressed,
                                    "asset_cache_control": cache_control, "machine": common.machine_info()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
