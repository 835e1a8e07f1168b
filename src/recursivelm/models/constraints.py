"""Decoding constraints a backend can enforce, in the formats servers take.

A small root answers in prose, from memory, or writes bare code that runs nowhere (shared/LESSONS.md).
Profiles with `code_only` ask the backend to make each root reply exactly one ```python block; a
backend that can enforce it (llama.cpp, in-process or as a server) decodes under this grammar. The code
holds single backticks only (`name` in a string), never two in a row: allowing two let the embedded model
end a block with "``)`" (a SyntaxError), and allowing none cut a block at the first backtick it wrote, so a
reading like "`logging._handlerList[:]`" could not be quoted (FINAL("The class ``` , a SyntaxError).
The block holds some code: allowed an empty one, the embedded model wrote it turn after turn after a first
reading, and the run ended without an answer (codeqa seed 0 at 64K, bench/issue12/after19-code).
"""

CODE_BLOCK_GRAMMAR = r'''root ::= "```python\n" [ \t\n]* [^` \t\n] ( [^`] | "`" [^`] )* "```"
'''
