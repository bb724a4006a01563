"""`techquiz serve` as a user runs it: what it prints, how it refuses, and that Ctrl+C leaves nothing behind."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from techquiz.cli import main

from .served import Served, serve_env


def test_loopback_by_default_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    served = Served.start(tmp_path)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{32}/", served.url)
    assert "warning" not in served.output()
    assert served.stop() == 0
    assert served.output().endswith("techquiz serve: stopped\n")


def test_another_host_needs_asking_and_is_warned_about(tmp_path: Path) -> None:
    served = Served.start(tmp_path, "--host", "0.0.0.0")
    try:
        output = served.output()
        assert "techquiz: warning: serving on 0.0.0.0, reachable by other computers on your network" in output
        assert "plain HTTP" in output
        assert re.search(r"and at http://127\.0\.0\.1:\d+/", output) or "127.0.0.1" in served.url
    finally:
        assert served.stop() == 0


def test_stopping_ends_the_app_processes_of_open_sessions(tmp_path: Path) -> None:
    served = Served.start(tmp_path)

    async def open_session() -> list[int]:
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(served.url + "ws", headers={"Origin": served.base})
            await ws.send_json(["resize", {"width": 80, "height": 24}])
            started = await ws.receive(timeout=20)  # the app's first screen: its process runs
            assert started.type == aiohttp.WSMsgType.BINARY
            children = served.children()
            served.process.send_signal(2)  # Ctrl+C while the session is open
            async for _ in ws:  # until the server closes it
                pass
            return children

    children = asyncio.run(open_session())
    assert children, "the session had an app process"
    assert served.process.wait(timeout=30) == 0
    for pid in children:  # each asked to quit, none orphaned
        for _ in range(200):
            status = Path(f"/proc/{pid}/status")
            if not status.exists() or "State:\tZ" in status.read_text():
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"app process {pid} outlived the server")
    output = served.output()
    assert "Traceback" not in output and "Exception ignored" not in output, output


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "techquiz", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=serve_env(tmp_path),
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"techquiz: cannot serve on 127.0.0.1 port {port}: Address already in use (--port chooses another)"
    ]


@pytest.mark.parametrize("args", [["--port", "70000"], ["--port", "x"], ["--max-sessions", "0"]])
def test_bad_options_are_usage_errors(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", *args])
    assert exited.value.code == 2
    assert "usage: techquiz serve" in capsys.readouterr().err


def test_without_the_web_extra_it_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import techquiz

    monkeypatch.delitem(sys.modules, "techquiz.web", raising=False)
    monkeypatch.delattr(techquiz, "web", raising=False)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve", "--host", "no.such.invalid"]) == 1  # a host that fails fast, were the import to work
    err = capsys.readouterr().err
    assert (
        err
        == "techquiz: techquiz serve needs the web extra (textual_serve.server is missing): pip install 'techquiz[web]'\n"
    )
