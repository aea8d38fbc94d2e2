"""`newsevents serve`: the API and the dashboard under uvicorn."""

from __future__ import annotations

import ipaddress
import socket
import sys

from newsevents.store.errors import StoreError

EXIT_OK, EXIT_USAGE = 0, 2


def is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback one (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]")
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def can_listen(host: str, port: int) -> str | None:
    """None when host:port can be bound now, else why not (checked before the URL is printed)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            sock.bind(address)
    except (OSError, UnicodeError) as exc:
        return exc.strerror or str(exc)
    return None


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, allow_extract: bool = False) -> int:
    """Serve until interrupted; 2 (after one line on stderr) when the database cannot be read."""
    if not 1 <= port <= 65535:
        print(f"newsevents serve: error: --port must be between 1 and 65535, not {port}", file=sys.stderr)
        return EXIT_USAGE
    from newsevents.api.app import LOOPBACK_HOSTS, create_app

    loopback = is_loopback(host)
    try:
        # Bound to loopback, answer only loopback Host names: a web page that rebinds its own name to
        # 127.0.0.1 cannot read the API then.
        app = create_app(db, allow_extract=allow_extract, allowed_hosts=[*LOOPBACK_HOSTS, host] if loopback else None)
    except StoreError as exc:
        print(f"newsevents serve: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the reader could not write its snapshot beside the database (a read-only folder)
        print(f"newsevents serve: error: cannot prepare a snapshot of {db}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    problem = can_listen(host, port)
    if problem:
        app.state.reader.close()
        print(f"newsevents serve: error: cannot listen on {host} port {port}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not loopback:
        print(f"newsevents serve: warning: listening on {host}, not a loopback address: the API has no "
              "authentication, anyone who can reach this port can read the database"
              + (" and run the pipeline (--allow-extract)" if allow_extract else ""), file=sys.stderr)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    print(f"newsevents serve: http://{shown}:{port}/ (API docs at /docs; Ctrl-C stops)", flush=True)

    import uvicorn

    try:
        uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning")
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:  # uvicorn exits when it cannot start; it has logged why in one line
        return exc.code if isinstance(exc.code, int) and exc.code else EXIT_USAGE
    finally:
        app.state.reader.close()
    return EXIT_OK
