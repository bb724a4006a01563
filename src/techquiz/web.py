"""`techquiz serve`: the app in a browser, through textual-serve, behind a secret token and an Origin check.

textual-serve starts one app process per websocket connection and has no hook for access control, so
this module builds the aiohttp application itself around textual-serve's websocket handler and static
files: every route lives under `/<token>/` (anything else is 404), the websocket refuses a foreign
`Origin` (any page the user visits could otherwise open it and drive their techquiz), a counter caps
the sessions running at once, and the page is ours (title "techquiz", phone viewport, no third-party
fonts that would leak the token in a Referer). Written against textual-serve 1.1.3, pinned in
pyproject.toml; tests/web checks the wrap in a real browser.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import hmac
import html
import ipaddress
import os
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TextIO

from aiohttp import web
from textual_serve.server import Server

from techquiz.config import Config
from techquiz.errors import UserError

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
STOP_SECONDS = 10.0  # how long a stopping server waits for its app processes to quit

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) only ever reaches this computer."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def child_command(config: Config, cli_deck_dirs: Sequence[str]) -> str:
    """The shell command textual-serve runs for each browser session: this techquiz, on the same data.

    The data dir is passed as an absolute path so that the child never falls back to another one; the
    --decks folders of this command line go along (absolute), and TECHQUIZ_DECKS / TECHQUIZ_NOW reach
    the child through the environment textual-serve copies, so each folder is counted once.
    """
    argv = [sys.executable, "-m", "techquiz", "--data-dir", str(config.data_dir.resolve())]
    for folder in cli_deck_dirs:
        argv += ["--decks", str(Path(folder).expanduser().resolve())]
    return shlex.join(argv)


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def reachable_hosts(host: str) -> list[str]:
    """The addresses to print for a bound host: a wildcard bind is reached at this computer's LAN address."""
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # a UDP connect sends nothing: it only picks the outgoing address
        return [probe.getsockname()[0], "127.0.0.1"]
    except OSError:
        return ["127.0.0.1"]
    finally:
        probe.close()


@dataclass
class Gate:
    """The access rules in front of textual-serve: token, Host, Origin and the session count."""

    token: str
    loopback_only: bool
    max_sessions: int
    sessions: set[asyncio.Task[object]] = field(default_factory=set)

    def token_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self.token.encode())

    def host_allowed(self, request: web.Request) -> bool:
        """On a loopback bind only loopback names are answered: a DNS-rebound name is refused."""
        if not self.loopback_only:
            return True
        try:
            name = request.url.raw_host or ""
        except ValueError:
            return False
        return is_loopback(name.strip("[]"))

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser always sends Origin on a websocket; it must be the origin of the page we served."""
        origin = request.headers.get("Origin")
        return origin is not None and origin == f"{request.scheme}://{request.host}"


PAGE = files("techquiz").joinpath("web_page.html")


class TechquizServer:
    """textual-serve's session handler and static files, mounted under the token behind a Gate."""

    def __init__(self, command: str, gate: Gate, log: TextIO) -> None:
        self.textual = Server(command, title="techquiz")
        self.gate = gate
        self.log = log
        self.page = PAGE.read_text(encoding="utf-8")

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        root = f"/{self.gate.token}"
        app.router.add_get(root, self._redirect)
        app.router.add_get(root + "/", self._index)
        app.router.add_get(root + "/ws", self._websocket)
        app.router.add_static(root + "/static", self.textual.statics_path, show_index=False, follow_symlinks=False)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # Every request passes here whatever route it matched: unless its first path segment is the
        # token (compared in constant time) it gets the same 404 as an unknown path, nothing that
        # would tell a guesser it was close.
        first = request.path.lstrip("/").split("/", 1)[0]
        if not self.gate.token_matches(first) or not self.gate.host_allowed(request):
            response: web.StreamResponse = web.Response(status=404, text="404: Not Found")
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # a redirect, or a missing static file
                exc.headers.update(SECURITY_HEADERS)
                raise
        response.headers.update(SECURITY_HEADERS)
        return response

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(f"/{self.gate.token}/")

    async def _index(self, request: web.Request) -> web.StreamResponse:
        if len(self.gate.sessions) >= self.gate.max_sessions:  # say why here: a refused websocket cannot
            return web.Response(status=503, text=FULL.format(self.gate.max_sessions), content_type="text/html")
        nonce = secrets.token_urlsafe(16)
        body = self.page.replace("{{nonce}}", html.escape(nonce))
        response = web.Response(text=body, content_type="text/html")
        response.headers["Content-Security-Policy"] = CSP.format(nonce=nonce)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        gate = self.gate
        peer = request.remote or "?"
        if not gate.origin_allowed(request):
            self._say(f"refused a connection from {peer}: its page is not techquiz's own (Origin mismatch)")
            return web.Response(status=403, text="403: Forbidden")
        if len(gate.sessions) >= gate.max_sessions:
            self._say(f"refused a connection from {peer}: {gate.max_sessions} sessions already open")
            return web.Response(status=503, text="503: too many sessions at once")
        task = asyncio.current_task()
        assert task is not None
        gate.sessions.add(task)
        self._say(f"session opened from {peer} ({len(gate.sessions)} of at most {gate.max_sessions})")
        try:
            return await self.textual.handle_websocket(request)
        finally:
            gate.sessions.discard(task)
            # textual-serve never closes an app's subprocess transport: left to the garbage collector
            # after the event loop has closed, it prints an "Event loop is closed" traceback at exit.
            gc.collect()
            self._say(f"session from {peer} ended")

    async def stop_sessions(self) -> None:
        """Ask every app process to quit (textual-serve's own shutdown path) and wait for them."""
        running = list(self.gate.sessions)
        for task in running:
            task.cancel()
        if running:
            _, pending = await asyncio.wait(running, timeout=STOP_SECONDS)
            if pending:
                self._say(f"{len(pending)} session(s) did not end within {STOP_SECONDS:.0f} s")

    def _say(self, line: str) -> None:
        print(f"techquiz serve: {line}", file=self.log, flush=True)


FULL = (
    "<!DOCTYPE html><title>techquiz</title><meta name=viewport content='width=device-width'>"
    "<p>techquiz already has {} sessions open, as many as it allows at once (<code>--max-sessions</code>). "
    "Close one of them, then reload this page.</p>"
)
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never hand it to another site
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}
# textual.js injects its own <style> element, hence 'unsafe-inline' for styles only.
CSP = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def serve(
    config: Config,
    host: str,
    port: int,
    max_sessions: int,
    cli_deck_dirs: Sequence[str],
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Serve until Ctrl+C or SIGTERM; every app process is asked to quit before this returns."""
    gate = Gate(secrets.token_urlsafe(24), is_loopback(host), max_sessions)
    server = TechquizServer(child_command(config, cli_deck_dirs), gate, out)
    asyncio.run(_run(server, host, port, out, err))
    return 0


async def _run(server: TechquizServer, host: str, port: int, out: TextIO, err: TextIO) -> None:
    runner = web.AppRunner(server.make_app(), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise UserError(f"cannot serve on {host} port {port}: {_why(exc)}") from None
    if not server.gate.loopback_only:
        print(
            f"techquiz: warning: serving on {host}, reachable by other computers on your network. The "
            "connection is plain HTTP (not encrypted) and anyone who has the URL can study and change "
            "your progress: use it only on a network you trust.",
            file=err,
            flush=True,
        )
    bound = runner.addresses[0][1]
    urls = [f"http://{url_host(name)}:{bound}/{server.gate.token}/" for name in reachable_hosts(host)]
    print(f"techquiz is served at {urls[0]}", file=out)
    for url in urls[1:]:
        print(f"              and at {url}", file=out)
    print("Anyone with this URL can study as you. Press Ctrl+C to stop.", file=out, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop_sessions()
        await runner.cleanup()
    print("techquiz serve: stopped", file=out, flush=True)


def _why(exc: OSError) -> str:
    """One line for a failed bind (asyncio wraps the OS error in a sentence naming the address)."""
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if exc.errno in (errno.EADDRINUSE, errno.EACCES):
        return f"{os.strerror(exc.errno)} (--port chooses another)"
    return os.strerror(exc.errno) if exc.errno else str(exc)
