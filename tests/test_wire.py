"""The sandbox's one wire: both sides read the same frames, and the worker's host functions are the ones the
host checks calls against."""

import inspect
import io

import pytest

from recursivelm.protocols import FinalAnswer
from recursivelm.sandbox.wire import (SIGNATURES, BadFrame, encode_final, encode_frame, host_function_stubs,
                                      parse_result, read_frame)


def test_the_worker_stubs_take_what_the_host_checks_a_call_against():
    stubs = host_function_stubs(channel=None, names=list(SIGNATURES), context="the context")
    for name, signature in SIGNATURES.items():
        assert inspect.signature(stubs[name]).parameters.keys() == signature.parameters.keys(), name


def test_a_final_crosses_the_wire_as_the_host_reads_it():
    message = {"op": "result", "output": "", "error": None, "timed_out": False, "restored_names": [],
               "variables": {}, "final": encode_final(FinalAnswer({"a": [1, 2.5]}, "FINAL"))}
    frame = read_frame(io.BytesIO(encode_frame(message)), max_bytes=1 << 20)
    result, _ = parse_result(frame, max_output_chars=100)
    assert (result.final.value, result.final.via) == ({"a": [1, 2.5]}, "FINAL")
    with pytest.raises(BadFrame):
        read_frame(io.BytesIO(encode_frame(message)[:4] + b"[" * (len(encode_frame(message)) - 4)), 1 << 20)
