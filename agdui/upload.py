"""User matrices: validate uploaded bytes (never unpickled) and keep the last good one in the session.

:func:`read_upload` is pure and unit-tested with real bytes. Pages wire it like this::

    st.file_uploader(..., key="explore_uploader", on_change=stash_upload, args=("explore",))
    handle_pending("explore")            # validates; on failure keeps the previous matrix
    err = st.session_state.get("explore__upload_error")

Tests (AppTest cannot upload files) put ``(name, bytes)`` into ``st.session_state["explore__pending_upload"]``,
the same slot the uploader's callback fills, and exercise the whole page path.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import numpy as np
import streamlit as st

import agdcore as agd

from . import style
from .settings import MAX_DIM

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".npy", ".csv")


@dataclass(frozen=True, eq=False)
class Upload:
    """A validated user matrix: file name, content hash (the cache key), and the read-only array."""

    name: str
    digest: str
    array: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.array.shape


def read_upload(name: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """Validate an uploaded ``.npy``/``.csv`` file and return it as an :class:`Upload`.

    Raises
    ------
    ValueError
        One line naming what is wrong: extension, size over 50 MB, malformed CSV, pickled/object
        ``.npy``, not 2-D, NaN/Inf, all zeros, a side under 2 or over the size limit.
    """
    ext = os.path.splitext(str(name))[1].lower()
    if ext not in EXTENSIONS:
        raise ValueError(
            f"'{name}' is not a .npy or .csv file; upload a 2-D numeric matrix saved with "
            "np.save (.npy) or as comma-separated numbers (.csv)."
        )
    if len(data) > max_bytes:
        raise ValueError(f"'{name}' is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB.")
    try:
        arr = agd.load_matrix(bytes(data), name=str(name), max_bytes=max_bytes)
    except ValueError as exc:
        raise ValueError(f"'{name}': {exc}") from None
    m, n = arr.shape
    if min(m, n) < 2 or max(m, n) > MAX_DIM:
        raise ValueError(f"'{name}' has shape {m}×{n}; each side must be between 2 and {MAX_DIM}.")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    arr.flags.writeable = False
    digest = hashlib.sha256(np.asarray(arr.shape, dtype=np.int64).tobytes() + arr.tobytes()).hexdigest()[:16]
    return Upload(str(name), digest, arr)


def stash_upload(prefix: str) -> None:
    """``on_change`` callback of the file uploader: queue the new file for :func:`handle_pending`."""
    f = st.session_state.get(f"{prefix}_uploader")
    if f is not None:
        st.session_state[f"{prefix}__pending_upload"] = (f.name, f.getvalue())


def handle_pending(prefix: str) -> Upload | None:
    """Validate a queued upload; on success it becomes the session's matrix, on failure the previous
    one is kept and the message is stored in ``f"{prefix}__upload_error"``. Returns the current Upload.
    """
    ss = st.session_state
    pending = ss.pop(f"{prefix}__pending_upload", None)
    if pending is not None:
        name, data = pending
        try:
            ss[f"{prefix}__upload"] = read_upload(name, data)
            ss.pop(f"{prefix}__upload_error", None)
            ss[f"{prefix}_source"] = "upload"
        except ValueError as exc:
            ss[f"{prefix}__upload_error"] = str(exc)
    return ss.get(f"{prefix}__upload")


def upload_box(sb, upload, prefix: str) -> None:
    """The sidebar file uploader, the last refusal, and which matrix is in use."""
    sb.file_uploader(
        "Your matrix (.npy or .csv, ≤ 50 MB)",
        type=None,
        key=f"{prefix}_uploader",
        on_change=stash_upload,
        args=(prefix,),
        help="A 2-D numeric array: np.save(...) or comma-separated numbers. Never unpickled.",
    )
    err = st.session_state.get(f"{prefix}__upload_error")
    if err:
        sb.error(f"Upload refused: {err} The previous matrix is kept.", icon=":material/error:")
    if upload is not None:
        sb.caption(
            f"Using **{style.md_escape(upload.name)}**: {upload.shape[0]}×{upload.shape[1]}, "
            f"content hash `{upload.digest}`"
        )
    else:
        sb.info("No matrix uploaded yet: the synthetic matrix is used.")
