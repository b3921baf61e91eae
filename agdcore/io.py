"""Loading user matrices safely: .npy (never pickled objects) and .csv."""

from __future__ import annotations

import io
import os

import numpy as np

MAX_FILE_BYTES = 50 * 1024 * 1024


def load_matrix(source, name: str | None = None, *, max_bytes: int = MAX_FILE_BYTES) -> np.ndarray:
    """Read a finite 2-D real matrix from a path, bytes or a binary file-like object.

    The format comes from the file name's extension (``.npy`` or ``.csv``). ``.npy`` files are
    read with ``allow_pickle=False``: object arrays and pickles are refused. Raises ``ValueError``
    with a one-line reason for anything else.
    """
    if isinstance(source, (str, os.PathLike)):
        name = name or os.fspath(source)
        try:
            size = os.path.getsize(source)
        except OSError as exc:
            raise ValueError(f"matrix file {name!r} cannot be read: {exc.strerror or exc}.") from None
        if size > max_bytes:
            raise ValueError(f"matrix file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
        with open(source, "rb") as fh:
            data = fh.read()
    elif isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        data = source.read(max_bytes + 1)
        name = name or getattr(source, "name", None)
    if len(data) > max_bytes:
        raise ValueError(f"matrix file is over the {max_bytes / 1e6:.0f} MB limit.")
    ext = os.path.splitext(str(name or ""))[1].lower()
    if ext == ".npy":
        arr = _load_npy(data)
    elif ext == ".csv":
        arr = _load_csv(data)
    else:
        raise ValueError(f"matrix file must end in .npy or .csv, got {name!r}.")
    return validate_matrix(arr)


def _load_npy(data: bytes) -> np.ndarray:
    if not data.startswith(b"\x93NUMPY"):
        raise ValueError("the .npy file is malformed: it has no NumPy header (save the array with np.save).")
    try:
        arr = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise ValueError(
                "the .npy file holds Python objects (pickled data), which are never loaded; "
                "save a numeric array with np.save."
            ) from None
        raise ValueError(f"the .npy file is malformed: {exc}.") from None
    except Exception as exc:  # truncated or not a .npy at all
        raise ValueError(f"the .npy file is malformed: {exc}.") from None
    if not isinstance(arr, np.ndarray):
        raise ValueError("the .npy file does not hold a single array.")
    return arr


def _load_csv(data: bytes) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the .csv file is not UTF-8 text.") from None
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        raise ValueError("the .csv file is empty.")
    parsed = []
    for i, ln in enumerate(rows, 1):
        cells = [c.strip() for c in ln.split(",")]
        try:
            parsed.append([float(c) for c in cells])
        except ValueError:
            if i == 1 and len(rows) > 1:  # a header line
                continue
            bad = next(c for c in cells if not _is_float(c))
            raise ValueError(f"the .csv file is malformed: row {i} has a non-numeric entry {bad[:20]!r}.") from None
    if not parsed:
        raise ValueError("the .csv file has no numeric rows.")
    widths = {len(r) for r in parsed}
    if len(widths) != 1:
        raise ValueError(f"the .csv file is malformed: rows have different lengths {sorted(widths)}.")
    return np.array(parsed, dtype=float)


def _is_float(c: str) -> bool:
    try:
        float(c)
        return True
    except ValueError:
        return False


def validate_matrix(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == object:
        raise ValueError("the matrix holds Python objects; a numeric array is required.")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating) or arr.dtype == bool):
        raise ValueError(f"the matrix must be real numeric, got dtype {arr.dtype}.")
    if arr.ndim != 2:
        raise ValueError(f"the matrix must be 2-D, got {arr.ndim}-D with shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"the matrix is empty (shape {arr.shape}).")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError("the matrix contains NaN or Inf entries.")
    if not np.any(arr):
        raise ValueError("the matrix is all zeros.")
    return arr
