"""Random, seeded GraphQL read queries over the service's schema, for the differential test.

Why our own generator rather than hypothesis-graphql: the interesting queries carry argument
values that hit real data (names in their forgiving forms, ids of every type, cursors, dates),
and a few wrong ones (negative page sizes, malformed cursors and ids, ambiguous or unknown
names); random strings would almost never reach past "nothing found". Each query mixes what
the compiler must get right: aliases, repeated fields merged under one key, inline and named
fragments, __typename, @include/@skip (literal and variable), variables with and without
defaults, every connection field, nested connections.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)

Query = tuple[str, dict[str, Any]]


@dataclass
class Vocabulary:
    """Values that exist in the data the queries run over (see ``vocabulary_query``)."""

    person_names: list[str] = field(default_factory=list)
    topic_names: list[str] = field(default_factory=list)
    organisation_names: list[str] = field(default_factory=list)
    ids: dict[str, list[str]] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


VOCABULARY_QUERY = """
{
  persons(first: 100) { nodes { id name aliases } }
  topics(first: 100) { nodes { id name slug } }
  organisations(first: 100) { nodes { id name acronym aliases } }
  events(first: 100) { nodes { id title } }
  statements(first: 100) { nodes { id } }
  figures(first: 100) { nodes { id unit counted } }
  documents(first: 100) { nodes { id } }
}
"""


def vocabulary(data: dict[str, Any], merged_person_ids: list[str]) -> Vocabulary:
    """Name forms as users type them: full, surname alone, lower case, aliases, unknown."""
    v = Vocabulary()
    for p in data["persons"]["nodes"]:
        v.person_names += [p["name"], p["name"].split()[-1], p["name"].lower(), *p["aliases"][:2]]
    v.person_names += ["Nobody Inparticular", "Nazarbaev", "Nursultan Abishevich", "  ", "Putin"]
    for t in data["topics"]["nodes"]:
        v.topic_names += [t["name"], t["slug"], t["name"].upper()]
    v.topic_names += ["No Such Topic", "afghanistan"]
    for o in data["organisations"]["nodes"]:
        v.organisation_names += [o["name"], *([o["acronym"]] if o["acronym"] else [])]
        v.organisation_names += o["aliases"][:1]
    v.organisation_names += ["Unknown Org", "nato"]
    for key, type_name in [("persons", "Person"), ("topics", "Topic"),
                           ("organisations", "Organisation"), ("events", "Event"),
                           ("statements", "Statement"), ("figures", "Figure"),
                           ("documents", "SourceDocument")]:  # fmt: skip
        v.ids[type_name] = [n["id"] for n in data[key]["nodes"]][:40]
    v.ids["Person"] += merged_person_ids
    v.units = [*sorted({f["unit"] for f in data["figures"]["nodes"]})[:10], "usd", "none"]
    v.words = [e["title"].split()[0] for e in data["events"]["nodes"]][:10]
    v.words += ["Afghanistan", "energy security", '"energy security"', "NATO -Russia",
                "oil OR gas", "", "   ", "terrorism"]  # fmt: skip
    return v


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BAD_IDS = ["nonsense", _b64("Statement:0"), _b64("Nothing:1"), _b64("Statement:999999")]
BAD_CURSORS = ["nonsense", _b64("cursor:-1"), _b64("cursor:"), _b64("Statement:3")]
DATES = ["2005-06-23", "2006-12-04", "2000-01-01", "2022-02-18", "2030-01-01"]
ALIASES = ["a", "b", "first", "other", "x1", "again"]


def literal(value: Any) -> str:
    """A value as a GraphQL literal; enums are ``Enum`` instances."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"


def plain(value: Any) -> Any:
    """A value as JSON for the variables object."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Enum:
    name: str


class Generator:
    """``generate()`` -> (query text, variables). Deterministic for a given seed."""

    def __init__(self, schema: GraphQLSchema, vocab: Vocabulary, seed: int) -> None:
        self.schema = schema
        self.vocab = vocab
        self.rng = random.Random(seed)

    # ------------------------------------------------------------ documents

    def generate(self) -> Query:
        self.variables: dict[str, Any] = {}
        self.definitions: list[str] = []
        self.fragments: list[str] = []
        self.budget = self.rng.randint(6, 40)  # fields left in this query
        query_type = self.schema.query_type
        assert query_type is not None
        roots = [n for n in query_type.fields]
        chosen = self.rng.sample(roots, k=self.rng.choice([1, 1, 1, 1, 2, 3]))
        parts = [self._field(query_type, name, depth=1) for name in chosen]
        if self.rng.random() < 0.1:
            parts.insert(self.rng.randrange(len(parts) + 1), "__typename")
        header = f"query Q({', '.join(self.definitions)})" if self.definitions else "query Q"
        text = header + " {\n  " + "\n  ".join(parts) + "\n}\n" + "\n".join(self.fragments)
        return text, self.variables

    def _variable(self, type_: GraphQLInputType, value: Any) -> str:
        """A variable for ``value``: given in the request, or only as its default."""
        name = f"v{len(self.definitions)}"
        type_text = str(type_)
        if self.rng.random() < 0.25 and value is not None:
            self.definitions.append(f"${name}: {type_text} = {literal(value)}")
        else:
            self.definitions.append(f"${name}: {type_text}")
            self.variables[name] = plain(value)
        return f"${name}"

    # ------------------------------------------------------------ selections

    def _selection_set(self, type_: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
        names = list(type_.fields)
        leaves = [n for n in names if self._is_leaf(type_.fields[n])]
        pool = names if depth < 6 and self.budget > 0 else leaves or names[:1]
        k = max(1, min(len(pool), self.rng.choice([1, 2, 2, 3, 4, 6])))
        picked = self.rng.sample(pool, k=k)
        parts = [self._field(type_, name, depth) for name in picked]
        if self.rng.random() < 0.12:
            parts.insert(self.rng.randrange(len(parts) + 1), "__typename")
        if self.rng.random() < 0.08:  # the same field twice under one key: merged
            parts.append(self._field(type_, self.rng.choice(picked), depth, same_key=True))
        if isinstance(type_, GraphQLInterfaceType):
            parts += self._inline_on_possible_types(type_, depth)
        elif self.rng.random() < 0.15 and parts:
            parts = self._wrap(type_, parts)
        return "{ " + " ".join(parts) + " }"

    def _inline_on_possible_types(self, type_: GraphQLInterfaceType, depth: int) -> list[str]:
        possible = list(self.schema.get_possible_types(type_))
        out = []
        for t in self.rng.sample(possible, k=self.rng.randint(1, len(possible))):
            out.append(f"... on {t.name} {self._selection_set(t, depth)}")
        return out

    def _wrap(self, type_: GraphQLObjectType, parts: list[str]) -> list[str]:
        """Move some fields into an inline fragment or a named fragment."""
        cut = self.rng.randrange(len(parts))
        inner, outer = parts[cut:], parts[:cut]
        if self.rng.random() < 0.5:
            condition = self.rng.choice([f" on {type_.name}", ""])
            directive = self._directive() if self.rng.random() < 0.4 else ""
            return [*outer, f"...{condition}{directive} {{ {' '.join(inner)} }}"]
        name = f"F{len(self.fragments)}"
        on = self.rng.choice([type_.name, type_.name, *(i.name for i in type_.interfaces)])
        if on != type_.name:  # an interface (Node): only its own fields
            inner = ["id"]
        self.fragments.append(f"fragment {name} on {on} {{ {' '.join(inner)} }}")
        spread = f"...{name}"
        if self.rng.random() < 0.2:
            spread += self._directive()
        return [*outer, spread, *([spread] if self.rng.random() < 0.1 else [])]

    def _directive(self) -> str:
        name = self.rng.choice(["include", "skip"])
        if self.rng.random() < 0.5:
            return f" @{name}(if: {literal(self.rng.random() < 0.5)})"
        flag = f"f{len(self.definitions)}"
        if self.rng.random() < 0.3:
            self.definitions.append(f"${flag}: Boolean = {literal(self.rng.random() < 0.5)}")
        else:
            self.definitions.append(f"${flag}: Boolean!")
            self.variables[flag] = self.rng.random() < 0.5
        return f" @{name}(if: ${flag})"

    @staticmethod
    def _is_leaf(f: GraphQLField) -> bool:
        return isinstance(get_named_type(f.type), (GraphQLScalarType, GraphQLEnumType))

    def _field(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        depth: int,
        same_key: bool = False,
    ) -> str:
        self.budget -= 1
        f = parent.fields[name]
        text = name
        if not same_key and self.rng.random() < 0.15:
            text = f"{self.rng.choice(ALIASES)}{depth}{name[:2]}: {name}"
        args = self._arguments(parent.name, name, f, depth)
        if args:
            text += "(" + ", ".join(args) + ")"
        if self.rng.random() < 0.05:
            text += self._directive()
        named = get_named_type(f.type)
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            if named.name.endswith("Connection"):
                text += " " + self._connection(named, depth)
            else:
                text += " " + self._selection_set(named, depth + 1)
        return text

    def _connection(self, type_: GraphQLObjectType, depth: int) -> str:
        parts = []
        node_type = get_named_type(type_.fields["nodes"].type)
        assert isinstance(node_type, GraphQLObjectType)
        for name in self.rng.sample(["edges", "nodes", "pageInfo", "totalCount"],
                                    k=self.rng.randint(1, 4)):  # fmt: skip
            if name == "totalCount":
                parts.append("totalCount")
            elif name == "pageInfo":
                fields = ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]
                picked = self.rng.sample(fields, k=self.rng.randint(1, 4))
                if self.rng.random() < 0.1:
                    picked.append("__typename")
                parts.append("pageInfo { " + " ".join(picked) + " }")
            elif name == "nodes":
                parts.append("nodes " + self._selection_set(node_type, depth + 1))
            else:
                edge = ["cursor", "node " + self._selection_set(node_type, depth + 2)]
                edge = self.rng.sample(edge, k=self.rng.randint(1, 2))
                if self.rng.random() < 0.1:
                    edge.append("__typename")
                parts.append("edges { " + " ".join(edge) + " }")
        if self.rng.random() < 0.08:
            parts.append("__typename")
        return "{ " + " ".join(parts) + " }"

    # ------------------------------------------------------------ arguments

    def _arguments(self, parent: str, name: str, f: GraphQLField, depth: int) -> list[str]:
        out = []
        for arg_name, arg in f.args.items():
            required = isinstance(arg.type, GraphQLNonNull)
            if not required and self.rng.random() < 0.5:
                continue
            value = self._value(parent, name, arg_name, arg.type, depth)
            if value is None and required:
                continue
            if self.rng.random() < 0.25:
                out.append(f"{arg_name}: {self._variable(arg.type, value)}")
            else:
                out.append(f"{arg_name}: {literal(value)}")
        return out

    def _value(self, parent: str, field_name: str, arg: str, type_: Any, depth: int) -> Any:
        rng, v = self.rng, self.vocab
        named = get_named_type(type_)
        if arg in ("first", "last"):
            nested = depth > 1
            choices = [1, 2, 3, 5, 0] if nested else [1, 2, 3, 5, 10, 20, 0, 100, 101]
            return rng.choice(choices) if rng.random() < 0.97 else -1
        if arg in ("after", "before"):
            if rng.random() < 0.9:
                return _b64(f"cursor:{rng.randint(0, 25)}")
            return rng.choice(BAD_CURSORS)
        if arg == "id":
            return self._id(rng.choice(list(v.ids)))
        if arg == "name" and field_name == "person":
            return rng.choice(v.person_names)
        if arg == "name" and field_name == "organisation":
            return rng.choice(v.organisation_names)
        if arg == "query":
            return rng.choice(v.words)
        if isinstance(named, GraphQLEnumType):
            return Enum(rng.choice(list(named.values)))
        if isinstance(named, GraphQLInputObjectType):
            return self._input(named)
        return None

    def _id(self, type_name: str) -> str:
        if self.rng.random() < 0.05:
            return self.rng.choice(BAD_IDS)
        return self.rng.choice(self.vocab.ids[type_name] or BAD_IDS)

    def _input(self, type_: GraphQLInputObjectType) -> dict[str, Any]:
        rng, v = self.rng, self.vocab
        values: dict[str, Any] = {}
        fields = list(type_.fields)
        for name in rng.sample(fields, k=min(len(fields), rng.choice([0, 1, 1, 2, 3]))):
            f = type_.fields[name]
            named = get_named_type(f.type)
            if name in ("speaker", "participant"):
                value: Any = rng.choice(v.person_names)
            elif name == "topic":
                value = rng.choice(v.topic_names)
            elif name == "organisation":
                value = rng.choice(v.organisation_names)
            elif name == "name":
                value = rng.choice([*v.person_names, *v.organisation_names, "na", "ni", ""])
            elif name == "speakerId":
                value = self._id("Person")
            elif name == "eventId":
                value = self._id("Event")
            elif name == "text":
                value = rng.choice(v.words)
            elif name == "unit":
                value = rng.choice(v.units)
            elif name in ("dateFrom", "dateTo"):
                value = rng.choice(DATES)
            elif name in ("minValue", "maxValue"):
                value = rng.choice([0, 1.5, 10, 1000, 1e6, 28000000.0])
            elif isinstance(f.type, GraphQLList) or isinstance(
                getattr(f.type, "of_type", None), GraphQLList
            ):
                assert isinstance(named, GraphQLEnumType)
                value = [Enum(x) for x in rng.sample(list(named.values), k=rng.randint(0, 2))]
            else:
                continue
            values[name] = value
        return values
