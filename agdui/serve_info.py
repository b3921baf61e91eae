"""What `make run` prints before the server starts: the link to share and what it exposes.

python -m agdui.serve_info ADDRESS PORT
"""

from __future__ import annotations

import socket
import sys

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent: a UDP connect only routes)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return socket.gethostname()


def lines(address: str, port: int) -> list[str]:
    """The lines `make run` prints for ``address`` and ``port``."""
    if address in LOOPBACK:
        return [
            f"AGD Explorer: http://127.0.0.1:{port} (this machine only; `make run ADDRESS=0.0.0.0` serves the local network)",
        ]
    host = lan_address() if address in ("0.0.0.0", "::") else address
    return [
        f"AGD Explorer for the class: share http://{host}:{port}",
        f"Exposes: the dashboard on port {port} to anyone on this network: no login, runs use this machine's "
        "CPU (Explore's solves queue fairly, one per core at a time), uploads stay in the server's memory, "
        "XSRF protection on.",
    ]


if __name__ == "__main__":
    print("\n".join(lines(sys.argv[1], int(sys.argv[2]))))
