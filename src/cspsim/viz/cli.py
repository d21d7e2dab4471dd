"""``cspsim-viz``: serve the trainer app in the browser (offline; localhost by default).

Example:
    cspsim-viz --host 127.0.0.1 --port 8765   # then open http://127.0.0.1:8765

It runs ``solara run cspsim.viz.app`` in production mode. Solara, IPython and matplotlib
write caches under $HOME; unless already set, their directories go under a temporary
folder. The frontend comes from the installed ``solara-assets`` package, so no internet
connection is needed.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
import tempfile
from pathlib import Path

#: The app module Solara serves.
APP_MODULE = "cspsim.viz.app"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="cspsim-viz",
        description="Serve the cspsim trainer app (city map, live charts, lessons).",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; "
        "0.0.0.0 lets other machines on the network connect)",
    )
    parser.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default warning)",
    )
    return parser.parse_args(argv)


def _port(text: str) -> int:
    """A TCP port number, 1-65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 1-65535, got {text!r}")
    return port


def address_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (None when it can).

    Checked before the server starts, so a port in use (another cspsim-viz, say) is one
    line naming the option, not the server's traceback.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"--host {host!r}: not an address of this machine ({exc.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        try:
            sock.bind(address)
        except OSError as exc:
            why = exc.strerror or str(exc)
            # In use: another port helps; not an address of this machine: another host.
            hint = "another --port" if exc.errno == errno.EADDRINUSE else "another --host"
            return f"--host {host} --port {port}: cannot listen there ({why}); try {hint}"
    return None


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the server: caches out of $HOME unless set, no telemetry, no badge."""
    env = dict(os.environ if base is None else base)
    tmp = Path(tempfile.gettempdir()) / "cspsim-viz"
    for var in ("SOLARA_HOME", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR"):
        env.setdefault(var, str(tmp / var.lower()))
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no calls home (offline)
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # no "runs on Solara" badge
    env.setdefault("SOLARA_THEME_LOADER", "plain")
    env.setdefault("SOLARA_THEME_TITLE", "cspsim trainer")
    return env


def command(args: argparse.Namespace) -> list[str]:
    """The ``solara run`` command line."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-open",
        "--log-level",
        args.log_level,
    ]


def main(argv: list[str] | None = None) -> None:
    """Serve the app until interrupted (replaces this process with the Solara server)."""
    args = parse_args(argv)
    problem = address_problem(args.host, args.port)
    if problem:
        print(f"cspsim-viz: error: {problem}", file=sys.stderr)
        raise SystemExit(2)
    env = server_env()
    for var in ("SOLARA_HOME", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR"):
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    print(f"cspsim trainer: http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
    cmd = command(args)
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
