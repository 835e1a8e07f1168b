import pytest

from recursivelm.context import ContextError, describe, load_context
from pathlib import Path


def test_string_list_dict_load_and_describe():
    info = describe(load_context("line one\nline two"))
    assert (info.type_name, info.chars, info.lines, info.items) == ("str", 17, 2, None)
    info = describe(load_context(["a" * 10, "b" * 20]))
    assert (info.type_name, info.items, info.chars) == ("list", 2, 30)
    info = describe(load_context({"x.txt": "hello", "y.txt": "world"}))
    assert info.items == 2 and info.keys_preview == ["x.txt", "y.txt"]


def test_preview_is_head_and_tail_only():
    text = "HEAD" + "m" * 100_000 + "TAIL"
    info = describe(load_context(text))
    assert info.head.startswith("HEAD") and info.tail.endswith("TAIL")
    assert len(info.head) + len(info.tail) < 1_000
    assert info.est_tokens == len(text) // 4


def test_file_is_loaded_once_as_text(tmp_path: Path):
    p = tmp_path / "doc.txt"
    p.write_text("héllo\nworld\n", encoding="utf-8")
    loaded = load_context(p)
    assert loaded.value == "héllo\nworld\n" and loaded.source == f"file:{p}"


def test_directory_maps_relative_paths_and_lists_skipped(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("alpha")
    (tmp_path / "sub" / "b.md").write_text("beta")
    (tmp_path / "img.png").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    loaded = load_context(tmp_path)
    assert loaded.value == {"a.txt": "alpha", "sub/b.md": "beta"}
    assert sorted(loaded.skipped) == ["img.png (binary)", "latin.txt (not utf-8)"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: "", "empty"),
        (lambda d: "   \n", "empty"),
        (lambda d: [], "empty list"),
        (lambda d: {}, "empty dict"),
        (lambda d: b"bytes", "decode it"),
        (lambda d: 42, "cannot use a int"),
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: (d / "e.txt", (d / "e.txt").write_text(""))[0], "is empty"),
        (lambda d: (d / "b.bin", (d / "b.bin").write_bytes(b"ab\x00cd"))[0], "looks binary"),
        (lambda d: (d / "l.txt", (d / "l.txt").write_bytes("caf\xe9!".encode("latin-1")))[0], "not valid utf-8"),
    ],
)
def test_bad_input_gets_a_clear_error(tmp_path, make, message):
    with pytest.raises(ContextError, match=message):
        load_context(make(tmp_path))


def test_non_utf8_file_loads_with_its_encoding(tmp_path):
    p = tmp_path / "l.txt"
    p.write_bytes("café".encode("latin-1"))
    assert load_context(p, encoding="latin-1").value == "café"
