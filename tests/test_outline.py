"""Exact outlines of Python definitions, shown with a definition find() gathers (outline.py)."""

from recursivelm import evidence
from recursivelm.outline import outline

SOURCE = '''import abc


class Store(Base, mixins.Sized, metaclass=abc.ABCMeta):
    kind = "store"

    def __init__(self, path, *, mode="r"):
        self.path = path

    @property
    def size(self):
        def inner(a, b=2, *rest, **extra):
            return a
        return 0

    async def close(self, /, wait=True):
        pass


def helper():
    return Store
'''


def test_a_class_outline_counts_the_methods_of_its_own_body_and_names_its_bases_apart_from_keywords():
    assert outline(SOURCE, 4) == ("bases Base, mixins.Sized; keyword metaclass=abc.ABCMeta; "
                                  "3 methods defined in this class body: __init__, size, close")


def test_a_function_outline_counts_every_kind_of_parameter():
    assert outline(SOURCE, 7) == "a method of class Store; 3 parameters: self, path, *, mode='r'"
    assert outline(SOURCE, 11) == "a method of class Store; 1 parameter: self"  # the decorated def's own line
    assert outline(SOURCE, 12) == "4 parameters: a, b=2, *rest, **extra"
    assert outline(SOURCE, 16) == "a method of class Store; 2 parameters: self, /, wait=True"
    assert outline(SOURCE, 20) == "0 parameters"


def test_no_outline_where_nothing_is_defined_or_the_text_is_not_python():
    assert outline(SOURCE, 5) is None
    assert outline("class Broken(:\n    pass\n", 1) is None


def test_a_gathered_definition_comes_after_its_outline_with_its_file_and_is_not_cut_to_sentences():
    context = {"pkg/store.py": SOURCE, "pkg/other.py": "from .store import Store\nx = Store()\n"}
    passages = evidence.gather(context, "How many methods does the class `Store` define?")
    store = next(p for p in passages if p.where == "pkg/store.py:4")
    assert store.text.splitlines()[:2] == [
        "# outline: defined in pkg/store.py; bases Base, mixins.Sized; keyword metaclass=abc.ABCMeta; 3 methods defined in this class "
        "body: __init__, size, close",
        "class Store(Base, mixins.Sized, metaclass=abc.ABCMeta):"]
    # Its body up to its first method: the methods are the outline's list, not some of them in code.
    assert store.text.splitlines()[2:] == ['    kind = "store"']
    init = next(p for p in evidence.gather(context, "What parameters does `Store.__init__` take?")
                if p.where == "pkg/store.py:7")
    assert init.text.splitlines()[1:] == ['    def __init__(self, path, *, mode="r"):', "        self.path = path"]


def test_a_method_outline_names_its_class():
    methods = "class A:\n    def __init__(self, x):\n        pass\n\n\nclass B:\n    def __init__(self, x, y, z):\n        pass\n"
    assert outline(methods, 2) == "a method of class A; 2 parameters: self, x"
    assert outline(methods, 7) == "a method of class B; 4 parameters: self, x, y, z"
    assert outline(SOURCE, 12) == "4 parameters: a, b=2, *rest, **extra"  # a function inside a method is not one


def test_a_method_named_with_its_class_is_gathered_before_the_other_methods_of_that_name():
    # "NonCallableMock.__init__" is one of a module's many `def __init__`: the one in that class's body first.
    body = "".join(f"class C{i}:\n    def __init__(self):\n        pass\n\n\n" for i in range(30))
    context = {"pkg/mock.py": body + "class Mock:\n    def __init__(self, spec=None, wraps=None, name=None):\n        pass\n",
               "pkg/other.py": "def helper(x):\n    return x\n"}
    question = "Which has more parameters: `Mock.__init__` in pkg/mock.py or `helper` in pkg/other.py?"
    passages = evidence.gather(context, question)
    mine = next(p for p in passages if p.where == "pkg/mock.py:152")
    assert mine.chosen_at == 0
    # Named for a reader as the question names it.
    assert mine.outline == ("`Mock.__init__` in pkg/mock.py: a method of class Mock; "
                            "4 parameters: self, spec=None, wraps=None, name=None")
