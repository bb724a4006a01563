"""The access rules `techquiz serve` puts in front of textual-serve, checked over real HTTP in-process."""

from __future__ import annotations

import asyncio
import io
import re
import shlex
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from techquiz.config import Config
from techquiz.web import Gate, TechquizServer, child_command, is_loopback, reachable_hosts, url_host

TOKEN = "k3y-0f_the-test-abcdefghijklmnop"
# Stands in for the app: quits on the first byte textual-serve writes (its "quit" message on stop).
QUIET_APP = shlex.join([sys.executable, "-c", "import sys; sys.stdin.buffer.read(1)"])


async def make_client(gate: Gate, log: io.StringIO | None = None) -> tuple[TestClient, TechquizServer]:
    server = TechquizServer(QUIET_APP, gate, log or io.StringIO())
    client = TestClient(TestServer(server.make_app(), host="127.0.0.1"))
    await client.start_server()
    return client, server


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    made, _ = await make_client(Gate(TOKEN, loopback_only=True, max_sessions=2))
    yield made
    await made.close()


def own_origin(client: TestClient) -> str:
    return f"http://127.0.0.1:{client.port}"


async def test_every_path_without_the_token_is_404(client: TestClient) -> None:
    for path in ("/", "/ws", "/static/js/textual.js", "/favicon.ico", f"/{TOKEN}x/", f"/{TOKEN[:-1]}/ws", "/%00"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 404, path
        assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_the_token_path_serves_the_page_and_the_static_files(client: TestClient) -> None:
    response = await client.get(f"/{TOKEN}", allow_redirects=False)
    assert response.status == 308 and response.headers["Location"] == f"/{TOKEN}/"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    response = await client.get(f"/{TOKEN}/")
    page = await response.text()
    assert response.status == 200
    assert re.search(r"<title>techquiz</title>", page)
    assert sys.executable not in page and "python" not in page  # never the command line
    assert 'name="viewport"' in page and "fonts.googleapis" not in page
    nonce = re.search(r'<script nonce="([^"]+)">', page)
    assert nonce is not None and f"'nonce-{nonce.group(1)}'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert (await client.get(f"/{TOKEN}/static/js/textual.js")).status == 200
    assert (await client.get(f"/{TOKEN}/static/")).status in (403, 404)  # no directory listing
    assert (await client.get(f"/{TOKEN}/static/..%2f..%2fweb.py")).status in (403, 404)


async def test_a_rebound_host_name_gets_nothing_on_a_loopback_server(client: TestClient) -> None:
    # DNS rebinding: a page at evil.example whose name now points at 127.0.0.1 sends Host: evil.example.
    response = await client.get(f"/{TOKEN}/", headers={"Host": f"evil.example:{client.port}"})
    assert response.status == 404
    for name in ("localhost", "127.0.0.1"):
        assert (await client.get(f"/{TOKEN}/", headers={"Host": f"{name}:{client.port}"})).status == 200


async def test_a_network_server_answers_any_host_name() -> None:
    client, _ = await make_client(Gate(TOKEN, loopback_only=False, max_sessions=1))
    try:
        response = await client.get(f"/{TOKEN}/", headers={"Host": f"study-pc.lan:{client.port}"})
        assert response.status == 200
    finally:
        await client.close()


@pytest.mark.parametrize(
    "origin",
    [None, "http://evil.example", "null", "https://127.0.0.1:{port}", "http://localhost:{port}", "http://127.0.0.1"],
)
async def test_the_websocket_refuses_any_origin_but_its_own(client: TestClient, origin: str | None) -> None:
    headers = {} if origin is None else {"Origin": origin.format(port=client.port)}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(f"/{TOKEN}/ws", headers=headers)
    assert refused.value.status == 403


async def test_sessions_are_capped_and_a_closed_one_frees_its_place() -> None:
    log = io.StringIO()
    gate = Gate(TOKEN, loopback_only=True, max_sessions=2)
    client, _ = await make_client(gate, log)
    origin = {"Origin": f"http://127.0.0.1:{client.port}"}
    try:
        first = await client.ws_connect(f"/{TOKEN}/ws", headers=origin)
        second = await client.ws_connect(f"/{TOKEN}/ws", headers=origin)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(f"/{TOKEN}/ws", headers=origin)
        assert refused.value.status == 503
        assert "2 sessions already open" in log.getvalue()
        page = await client.get(f"/{TOKEN}/")  # a new tab says why, rather than "session ended"
        assert page.status == 503 and "already has 2 sessions open" in await page.text()
        await first.close()
        for _ in range(200):  # the server notices the close and stops that app process
            if len(gate.sessions) < 2:
                break
            await asyncio.sleep(0.05)
        third = await client.ws_connect(f"/{TOKEN}/ws", headers=origin)
        await second.close()
        await third.close()
    finally:
        await client.close()


async def test_stopping_ends_every_session() -> None:
    gate = Gate(TOKEN, loopback_only=True, max_sessions=3)
    client, server = await make_client(gate)
    try:
        sockets = [await client.ws_connect(f"/{TOKEN}/ws", headers={"Origin": own_origin(client)}) for _ in range(2)]
        assert len(gate.sessions) == 2
        # Like a browser, each client reads all the time, so it answers the server's close at once.
        reading = [asyncio.create_task(ws.receive()) for ws in sockets]
        await server.stop_sessions()
        assert not gate.sessions
        messages = await asyncio.gather(*reading)
        assert all(m.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED) for m in messages)
    finally:
        await client.close()


def test_the_app_process_gets_the_same_data_dir_and_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = Config.from_env(data_dir="data", deck_dirs=["mine", "~/more"])
    argv = shlex.split(child_command(config, ["mine", "~/more"]))
    assert argv[:3] == [sys.executable, "-m", "techquiz"]
    assert argv[3:] == [
        "--data-dir",
        str(tmp_path / "data"),
        "--decks",
        str(tmp_path / "mine"),
        "--decks",
        str(Path("~/more").expanduser()),
    ]


def test_paths_with_spaces_and_quotes_survive_the_shell(tmp_path: Path) -> None:
    odd = tmp_path / "my data; $(rm -rf ~) 'x'"
    config = Config(odd, ())
    assert shlex.split(child_command(config, []))[4] == str(odd)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.4.5.6", True), ("::1", True), ("localhost", True), ("LOCALHOST", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("study-pc.lan", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_printed_addresses() -> None:
    assert reachable_hosts("192.168.1.20") == ["192.168.1.20"]
    assert reachable_hosts("0.0.0.0")[-1] == "127.0.0.1"  # and this computer's LAN address first, if it has one
    assert url_host("::1") == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"
