"""safetensors without the package (github.com/huggingface/safetensors, "Format"): an 8-byte
little-endian header length, a UTF-8 JSON header {name: {dtype, shape, data_offsets}, and an
optional "__metadata__" of strings}, then the raw little-endian tensor bytes. Uses the package's
own functions when it is installed; this is the fallback Debian's python3-torch needs."""
import json
import os
import struct

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "I16": np.int16, "U8": np.uint8, "BOOL": np.bool_}
NAMES = {np.dtype(v).str: k for k, v in DTYPES.items()}


def save_file(tensors, path, metadata=None):
    """Writes {name: torch tensor or numpy array} atomically (temporary file, fsync, rename)."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name]
        a = t.detach().cpu().contiguous().numpy() if isinstance(t, torch.Tensor) else np.ascontiguousarray(t)
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        code = NAMES.get(a.dtype.str)
        if code is None:
            raise TypeError(f"{name}: dtype {a.dtype} has no safetensors code here")
        data = a.tobytes()
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for c in chunks:
            f.write(c)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_file(path):
    """(tensors as torch tensors by name, metadata dict)."""
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out = {}
    for name, h in header.items():
        b, e = h["data_offsets"]
        a = np.frombuffer(buf, dtype=np.dtype(DTYPES[h["dtype"]]).newbyteorder("<"), count=(e - b) // np.dtype(DTYPES[h["dtype"]]).itemsize, offset=base + b)
        out[name] = torch.from_numpy(a.reshape(h["shape"]).copy())
    return out, meta
