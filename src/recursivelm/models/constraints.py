"""Decoding constraints a backend can enforce, in the formats servers take.

A small root answers in prose, from memory, or writes bare code that runs nowhere (shared/LESSONS.md).
Profiles with `code_only` ask the backend to make each root reply exactly one ```python block; a
backend that can enforce it (llama.cpp, in-process or as a server) decodes under this grammar. The code
holds no backtick: allowing one or two let the embedded model end a block with "``)`" (a SyntaxError).
"""

CODE_BLOCK_GRAMMAR = r'''root ::= "```python\n" [^`]* "```"
'''
