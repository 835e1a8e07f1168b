"""How the definitions of a Python tree relate, read by code (code_relations.py, issue 12): which definitions call a
function, which exceptions it raises, which modules import a module, a definition's decorators, which class
defines a method; as code_counts.answer's last kinds, and so as a small root's first reading."""

import pytest

from recursivelm import code_counts, code_relations, first_reading

TREE = {
    "pkg/__init__.py": "from .cookies import dump_cookie\nfrom . import routing\n",
    "pkg/cookies.py": (
        "import functools\n"
        "from .errors import CookieError\n"
        "\n"
        "\n"
        "def dump_cookie(key, value, max_age=None):\n"
        "    if not key:\n"
        "        raise ValueError('no key')\n"
        "    if max_age is not None and max_age < 0:\n"
        "        raise CookieError(key)\n"
        "\n"
        "    def check(v):\n"
        "        raise TypeError(v)  # the nested def's, not dump_cookie's\n"
        "    return quote(key) + '=' + quote(value)\n"
        "\n"
        "\n"
        "def quote(text):\n"
        "    try:\n"
        "        return text.replace(';', '%3B')\n"
        "    except AttributeError as error:\n"
        "        raise error\n"
        "\n"
        "\n"
        "class Jar:\n"
        "    @functools.cached_property\n"
        "    def size(self):\n"
        "        return len(self.items)\n"
        "\n"
        "    @staticmethod\n"
        "    def parse(header):\n"
        "        return [quote(part) for part in header.split(';')]\n"
    ),
    "pkg/errors.py": "class CookieError(Exception):\n    pass\n",
    "pkg/routing.py": "from .cookies import quote\n\n\nclass Rule:\n    def size(self):\n        return 1\n",
}


@pytest.mark.parametrize("question, answer", [
    ("Which functions call quote()?", "dump_cookie, Jar.parse"),  # in file and line order
    ("Where is dump_cookie called?", "none: no definition calls dump_cookie"),
    ("What exceptions can dump_cookie raise?", "ValueError, CookieError"),  # not the nested def's TypeError
    ("What exceptions can quote raise?", "none: quote raises no exception by name in its own body"),  # re-raises a variable
    ("Which modules import cookies?", "pkg/__init__.py, pkg/routing.py"),
    ("Which files import errors?", "pkg/cookies.py"),
    ("Which decorator is applied to parse?", "@staticmethod"),
    ("Which decorator is applied to dump_cookie?", "none: dump_cookie has no decorator"),
    ("Which class has a method named parse?", "Jar"),
    ("Which class defines the method size?", "Jar, Rule"),  # every class whose own body defines it
    ("Which functions are never called anywhere in the code?", "dump_cookie, check"),  # imported is not called
    ("Which methods are never used?", "size, parse"),  # Jar.size and Rule.size: one name; quote is called
    ("Which functions raise ValueError?", "dump_cookie"),  # its own body's raise, by the class's name
    ("Which functions raise `TypeError`?", "dump_cookie.check"),  # the nested def, named inside its def
    ("Which functions have no docstring?", "dump_cookie, dump_cookie.check, quote"),  # not Jar's methods
    ("How many methods lack a docstring?", "3"),  # Jar.size, Jar.parse, Rule.size
    ("Which classes are missing docstrings?", "Jar, CookieError, Rule"),
])
def test_how_definitions_relate_is_read_from_the_syntax_trees(question, answer):
    found = code_relations.answer(TREE, question)
    assert found is not None and found.answer == answer
    assert found.facts.startswith("Read by code (ast)")
    assert code_counts.answer(TREE, question).answer == answer  # asked last of code_counts' kinds


@pytest.mark.parametrize("question", [
    "Which functions call nothing_defined()?",  # no definition of that name
    "Which decorator is applied to size?",  # Jar.size and Rule.size are decorated differently: which one is asked?
    "What does dump_cookie return?",  # no relation read here
])
def test_what_the_trees_do_not_settle_is_left_to_the_reader(question):
    assert code_relations.answer(TREE, question) is None


def test_a_small_roots_first_reading_of_a_relation_is_codes():
    template, _ = first_reading.choose(True, True, TREE, "Which decorator is applied to parse?", lambda: True)
    assert template == first_reading.COUNTED
