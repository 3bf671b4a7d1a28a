"""A deterministic synthetic corpus of press events, COPYed straight into the service's schema.

Why: the real corpus is a few dozen pages; load tests need the scale the service is built for
(200,000+ statements). Rows are made in Python and bulk-loaded with COPY
(asyncpg.copy_records_to_table); the generated tsvector columns fill themselves. Every event
has its own source document whose text is the concatenation of "Label: text" turns, so all
offsets (statements, topic/organisation/person mentions, figures) index into stored text as
the real ingestion's do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench import vocab
from bench.db import Server, database_comment, fresh_database, set_comment
from bench.textgen import FigureValue, Mention, Phrases, _bisect, render
from bench.world import Organisation, Person, World, organisation_key
from service.ingestion.base_units import to_base
from service.ingestion.names import fold_name

COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("id", "slug", "name", "acronym", "kind"),
    "organisation_alias": ("organisation_id", "alias", "key"),
    "topic": ("id", "slug", "name", "kind"),
    "person": ("id", "name", "name_key"),
    "source_document": (
        "id",
        "sha256",
        "filename",
        "source_url",
        "publisher",
        "format",
        "title",
        "text",
    ),
    "event": (
        "id",
        "document_id",
        "position",
        "title",
        "kind",
        "date",
        "time",
        "location",
        "start_offset",
        "end_offset",
    ),
    "event_organisation": ("event_id", "organisation_id"),
    "participant": ("id", "event_id", "person_id", "role", "label", "title", "affiliation_id"),
    "statement": (
        "id",
        "event_id",
        "sequence",
        "kind",
        "participant_id",
        "speaker_id",
        "speaker_label",
        "text",
        "start_offset",
        "end_offset",
        "in_reply_to_id",
        "spoken_on",
    ),
    "statement_topic": ("statement_id", "topic_id", "speaker_id"),
    "topic_mention": ("id", "statement_id", "topic_id", "start_offset", "end_offset", "text"),
    "organisation_mention": (
        "id",
        "statement_id",
        "organisation_id",
        "start_offset",
        "end_offset",
        "text",
    ),
    "person_mention": ("id", "statement_id", "person_id", "start_offset", "end_offset", "text"),
    "figure": (
        "id",
        "statement_id",
        "text",
        "value",
        "high",
        "unit",
        "kind",
        "qualifier",
        "counted",
        "context",
        "start_offset",
        "end_offset",
        "base_value",
        "base_high",
        "base_unit",
    ),
    "person_alias": ("person_id", "alias", "key", "source"),
    "person_title": ("person_id", "title", "seen_on"),
}
# tables with an identity column whose sequence must follow the explicit ids we COPY in
IDENTITY_TABLES = (
    "organisation",
    "topic",
    "person",
    "source_document",
    "event",
    "participant",
    "statement",
    "topic_mention",
    "organisation_mention",
    "person_mention",
    "figure",
)

FIRST_DAY = dt.date(2005, 1, 1)
DAYS = (dt.date(2025, 6, 30) - FIRST_DAY).days
EVENT_KINDS = list(vocab.EVENT_KIND_WEIGHTS)
EVENT_KIND_CUM = [sum(list(vocab.EVENT_KIND_WEIGHTS.values())[: i + 1]) for i in range(6)]
MEAN_STATEMENTS = 40


@dataclass
class Batch:
    """Rows for every table, in the order they can be loaded."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def __len__(self) -> int:
        return len(self.rows["statement"])


@dataclass
class Turn:
    person: Person | None
    label: str
    role: str  # participant role
    kind: str  # statement kind
    reply_to: int | None = None  # index of the question turn


class Generator:
    """Deterministic for a given seed: same seed, same rows, same ids."""

    def __init__(self, seed: int = 20061204) -> None:
        self.rng = random.Random(seed)
        self.world = World(self.rng)
        self.phrases = Phrases()
        self.ids = dict.fromkeys(
            (
                "document",
                "event",
                "participant",
                "statement",
                "topic_mention",
                "org_mention",
                "person_mention",
                "figure",
            ),
            0,
        )
        self.last_seen: dict[int, dt.date] = {}
        self.venues_by_home: dict[str, list[tuple[str, str, str]]] = {}
        for venue in vocab.VENUES:
            self.venues_by_home.setdefault(venue[1], []).append(venue)
        orgs = self.world.organisations
        self.articled = set(vocab.WITH_ARTICLE)
        self.articled.update(
            o.name for o in orgs if o.kind != "MEDIA" and o.name not in vocab.NO_ARTICLE
        )
        self.articled.update(
            o.acronym for o in orgs if o.acronym and o.acronym not in vocab.NO_ARTICLE
        )
        self.fav_places = {
            p.id: [t for t in p.favourites if t.kind == "PLACE"] for p in self.world.persons
        }
        self.fav_themes = {
            p.id: [t for t in p.favourites if t.kind == "THEME"] for p in self.world.persons
        }

    def _next(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    # ---------------------------------------------------------------- fixed entities

    def entities(self) -> Batch:
        """Organisations, topics and persons: loaded before any event refers to them."""
        batch = Batch()
        w = self.world
        for o in w.organisations:
            batch.rows["organisation"].append((o.id, o.slug, o.name, o.acronym, o.kind))
            keys: set[str] = set()
            for alias in o.aliases:
                key = organisation_key(alias)
                if key and key not in keys:  # primary key is (organisation_id, key)
                    keys.add(key)
                    batch.rows["organisation_alias"].append((o.id, alias, key))
        for t in w.topics:
            batch.rows["topic"].append((t.id, t.slug, t.name, t.kind))
        for p in w.persons:
            batch.rows["person"].append((p.id, p.name, fold_name(p.name)))
        return batch

    def aliases(self) -> Batch:
        """Person aliases and titles: known only once every label has been printed."""
        batch = Batch()
        for p in self.world.persons:
            for alias, source in p.aliases.items():
                batch.rows["person_alias"].append((p.id, alias, fold_name(alias), source))
            seen = self.last_seen.get(p.id)
            for title in p.titles:
                batch.rows["person_title"].append((p.id, title, seen))
        return batch

    # ---------------------------------------------------------------- events

    def batches(self, statements: int, events_per_batch: int = 200) -> Iterator[Batch]:
        """Event batches until exactly ``statements`` statements have been made."""
        batch = Batch()
        made = 0
        events = 0
        while made < statements:
            n = max(
                3, min(150, round(self.rng.lognormvariate(math.log(MEAN_STATEMENTS) - 0.18, 0.6)))
            )
            n = min(n, statements - made)
            made += self._event(batch, n)
            events += 1
            if events % events_per_batch == 0:
                yield batch
                batch = Batch()
        if batch.rows["event"]:
            yield batch

    def _speaker(self) -> Person:
        w = self.world
        return w.speakers[_bisect(w.speaker_cum, self.rng.random() * w.speaker_cum[-1])]

    def _event(self, batch: Batch, n: int) -> int:
        rng, w = self.rng, self.world
        kind = EVENT_KINDS[_bisect(EVENT_KIND_CUM, rng.random() * EVENT_KIND_CUM[-1])]
        date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        primary = self._speaker()
        home_venues = self.venues_by_home.get(primary.home.name)
        venue = rng.choice(home_venues) if home_venues and rng.random() < 0.65 else None
        venue = venue or rng.choice(vocab.VENUES)
        location, _, fmt = venue
        principals = [primary]
        if kind not in ("SPEECH", "INTERVIEW"):
            wanted = rng.choice((1, 2, 2, 2, 3, 3, 4))
            if kind == "MEETING":
                wanted = max(wanted, 2)
            while len(principals) < wanted:
                other = self._speaker()
                if other not in principals:
                    principals.append(other)
        hosts: list[Organisation] = []
        org = w.non_media[_bisect(w.org_cum, rng.random() * w.org_cum[-1])]
        if fmt == "nato":
            hosts.append(w.org_by_slug["nato"])
        outlet = rng.choice(w.media)
        title = self._title(kind, principals, org, outlet)
        if "{org}" in title and org not in hosts:
            hosts.append(org)
        title = title.replace("{org}", org.acronym or org.name)
        if not hosts and rng.random() < 0.2:
            hosts.append(org)
        time_ = f"{rng.randint(9, 21):02d}:{rng.randrange(60):02d}" if rng.random() < 0.5 else None

        doc_id = self._next("document")
        event_id = self._next("event")
        publisher, url = vocab.PUBLISHERS[fmt]
        header = [title, date.strftime("%-d %B %Y") + (f", {time_}" if time_ else ""), location]
        header.append(f"Transcript {doc_id:06d}")
        parts = ["\n".join(header), "\n\n"]
        pos = sum(len(p) for p in parts)
        participants: dict[str, int] = {}
        turns = self._turns(kind, fmt, principals, outlet, n)
        statement_ids: list[int] = []
        rows = batch.rows
        for seq, turn in enumerate(turns, 1):
            pid = participants.get(turn.label)
            if pid is None:
                pid = participants[turn.label] = self._next("participant")
                p = turn.person
                rows["participant"].append(
                    (
                        pid,
                        event_id,
                        p.id if p else None,
                        turn.role,
                        turn.label,
                        p.titles[0] if p and p.outlet is None else None,
                        p.outlet.id if p and p.outlet else None,
                    )
                )
            prefix = f"{turn.label}: "
            parts.append(prefix)
            pos += len(prefix)
            paragraphs = self._speech(turn, primary)
            mentions: list[Mention] = []
            start = pos
            sid = self._next("statement")
            statement_ids.append(sid)
            para_texts = []
            for i, (text, para_mentions) in enumerate(paragraphs):
                if i:
                    parts.append("\n\n")
                    pos += 2
                para_texts.append(text)
                mentions.extend((k, ref, pos + s, pos + e) for k, ref, s, e in para_mentions)
                parts.append(text)
                pos += len(text)
            end = pos
            parts.append("\n\n")
            pos += 2
            reply = statement_ids[turn.reply_to] if turn.reply_to is not None else None
            speaker_id = turn.person.id if turn.person else None
            rows["statement"].append(
                (
                    sid,
                    event_id,
                    seq,
                    turn.kind,
                    pid,
                    speaker_id,
                    turn.label,
                    "\n".join(para_texts),
                    start,
                    end,
                    reply,
                    date,
                )
            )
            self._mentions(rows, sid, speaker_id, mentions, "\n\n".join(para_texts), start)
            if turn.person is not None:
                self.last_seen[turn.person.id] = max(date, self.last_seen.get(turn.person.id, date))
        text = "".join(parts)
        rows["source_document"].append(
            (
                doc_id,
                hashlib.sha256(text.encode()).hexdigest(),
                f"synthetic-{doc_id:06d}.txt",
                f"{url}{doc_id}" if url else None,
                publisher,
                fmt,
                title,
                text,
            )
        )
        rows["event"].append(
            (event_id, doc_id, 1, title, kind, date, time_, location, 0, len(text))
        )
        for host in hosts:
            rows["event_organisation"].append((event_id, host.id))
        return len(turns)

    def _title(
        self, kind: str, principals: list[Person], org: Organisation, outlet: Organisation
    ) -> str:
        rng, w = self.rng, self.world
        a_topic = principals[0].home
        b_topic = principals[1].home if len(principals) > 1 else rng.choice(w.countries)
        theme = w.themes[_bisect(w.theme_cum, rng.random() * w.theme_cum[-1])]
        template = rng.choice(vocab.EVENT_TITLES[kind])
        return (
            template.replace("{a}", a_topic.adjective or a_topic.name)
            .replace("{b}", b_topic.adjective or b_topic.name)
            .replace("{name}", principals[-1].name)
            .replace("{outlet}", outlet.name)
            .replace("{theme}", theme.name.capitalize())
        )

    def _turns(
        self, kind: str, fmt: str, principals: list[Person], outlet: Organisation, n: int
    ) -> list[Turn]:
        """The order of who speaks: opening remarks, then questions and answers."""
        rng = self.rng
        seen: set[int] = set()

        def speaker_turn(p: Person, skind: str, reply_to: int | None = None) -> Turn:
            label = p.label(fmt, p.id not in seen, rng)
            seen.add(p.id)
            return Turn(p, label, "SPEAKER", skind, reply_to)

        moderated = fmt in ("nato", "whitehouse") or (
            kind in ("PRESS_CONFERENCE", "PRESS_BRIEFING") and rng.random() < 0.4
        )
        mod_label = "MODERATOR" if fmt in ("nato", "whitehouse") else "Moderator"
        q_label = "Q" if fmt in ("nato", "whitehouse") else "Question"
        turns: list[Turn] = []
        if moderated and n > 2:
            turns.append(Turn(None, mod_label, "MODERATOR", "MODERATION"))
        if kind in ("SPEECH", "MEETING"):
            previous = None
            while len(turns) < n:
                p = rng.choice(principals)
                if p is not previous or len(principals) == 1:
                    turns.append(speaker_turn(p, "REMARKS"))
                    previous = p
            return turns
        if kind != "INTERVIEW":
            for p in principals:
                if len(turns) < n:
                    turns.append(speaker_turn(p, "REMARKS"))
        while len(turns) < n:
            if moderated and rng.random() < 0.25 and len(turns) < n - 2:
                turns.append(Turn(None, mod_label, "MODERATOR", "MODERATION"))
            if rng.random() < 0.3 or kind == "INTERVIEW":
                j = self.world.journalists[rng.randrange(len(self.world.journalists))]
                label = j.label(fmt, True, rng)
                turns.append(Turn(j, label, "JOURNALIST", "QUESTION"))
            else:
                turns.append(Turn(None, q_label, "JOURNALIST", "QUESTION"))
            q = len(turns) - 1
            if len(turns) < n:
                p = principals[0] if rng.random() < 0.6 else rng.choice(principals)
                turns.append(speaker_turn(p, "ANSWER", q))
            if len(turns) < n and len(principals) > 1 and rng.random() < 0.25:
                other = rng.choice([x for x in principals if x is not p])
                turns.append(speaker_turn(other, "ANSWER", q))
        return turns[:n]

    # ---------------------------------------------------------------- text

    def _speech(self, turn: Turn, primary: Person) -> list[tuple[str, list[Mention]]]:
        """Paragraphs (text, mentions relative to the paragraph) of one turn."""
        rng, ph = self.rng, self.phrases
        subject = turn.person if turn.kind in ("REMARKS", "ANSWER") else primary
        assert subject is not None

        recent: list[object] = []

        def fill(slot: str, arg: str | None) -> tuple[str, object, int]:
            surface, ref = self._fill(slot, subject)
            if ref is not None and ref in recent:  # "about trade, it is also about trade"
                surface, ref = self._fill(slot, subject)
            recent[:] = [*recent[-2:], ref]
            if slot in ("place", "theme", "org") and surface in self.articled:
                return "the " + surface, ref, 4
            return surface, ref, 0

        if turn.kind == "MODERATION":
            return [render(rng.choice(ph.moderation), fill, rng)]
        if turn.kind == "QUESTION":
            sentences = [render(rng.choice(ph.questions), fill, rng)]
            if rng.random() < 0.4:
                sentences.insert(0, render(rng.choice(ph.intros), fill, rng))
            if turn.person is not None and turn.person.outlet is not None:
                outlet = turn.person.outlet
                intro = f"{turn.person.name}, {outlet.name}."
                mention: Mention = ("org", outlet, len(turn.person.name) + 2, len(intro) - 1)
                sentences.insert(0, (intro, [mention]))
            return [_join(sentences)]
        count, size = ((1, 7), (3, 8)) if turn.kind == "REMARKS" else ((1, 4), (1, 5))
        paragraphs = []
        for _ in range(rng.randint(*count)):
            sentences = []
            template = None
            for _ in range(rng.randint(*size)):
                template = ph.pick_sentence(rng, template)
                sentences.append(render(template, fill, rng))
            paragraphs.append(_join(sentences))
        return paragraphs

    def _fill(self, slot: str, subject: Person) -> tuple[str, object]:
        rng, w = self.rng, self.world
        if slot == "place":
            fav = self.fav_places[subject.id]
            if fav and rng.random() < 0.5:
                t = rng.choice(fav)
            else:
                t = w.places[_bisect(w.place_cum, rng.random() * w.place_cum[-1])]
            return t.name, t
        if slot == "theme":
            fav = self.fav_themes[subject.id]
            if fav and rng.random() < 0.5:
                t = rng.choice(fav)
            else:
                t = w.themes[_bisect(w.theme_cum, rng.random() * w.theme_cum[-1])]
            return t.name, t
        if slot == "org":
            o = w.non_media[_bisect(w.org_cum, rng.random() * w.org_cum[-1])]
            return rng.choice(o.surfaces), o
        if slot == "person":
            p = self._speaker()
            if p is subject:
                p = w.speakers[rng.randrange(len(w.speakers))]
            r = rng.random()
            if r < 0.5:
                return p.name, p
            if r < 0.75 and p.is_president:
                return f"President {p.surname}", p
            return p.surname, p
        if slot == "a":
            return subject.home.adjective or "national", None
        raise ValueError(f"unknown slot {slot!r}")

    def _mentions(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        sid: int,
        speaker_id: int | None,
        mentions: list[Mention],
        body: str,
        start: int,
    ) -> None:
        """Rows for the mentions of one statement; ``body`` is document[start:statement end]."""
        topics: list[int] = []
        for kind, ref, s, e in mentions:
            text = body[s - start : e - start]
            if kind == "topic":
                tid = ref.id  # type: ignore[attr-defined]
                if tid not in topics:
                    topics.append(tid)
                    rows["statement_topic"].append((sid, tid, speaker_id))
                rows["topic_mention"].append((self._next("topic_mention"), sid, tid, s, e, text))
            elif kind == "org":
                oid = ref.id  # type: ignore[attr-defined]
                rows["organisation_mention"].append(
                    (self._next("org_mention"), sid, oid, s, e, text)
                )
            elif kind == "person":
                rows["person_mention"].append(
                    (self._next("person_mention"), sid, ref.id, s, e, text)  # type: ignore[attr-defined]
                )
            elif kind == "figure":
                f: FigureValue = ref  # type: ignore[assignment]
                context = _sentence_around(body, s - start, e - start)
                base_value, base_unit = to_base(f.value, f.unit)
                rows["figure"].append(
                    (
                        self._next("figure"),
                        sid,
                        text,
                        f.value,
                        f.high,
                        f.unit,
                        f.kind,
                        f.qualifier,
                        f.counted,
                        context,
                        s,
                        e,
                        base_value,
                        None if f.high is None else to_base(f.high, f.unit)[0],
                        base_unit,
                    )
                )


def _join(sentences: list[tuple[str, list[Mention]]]) -> tuple[str, list[Mention]]:
    """One paragraph from sentences separated by a space, with shifted mention spans."""
    out: list[str] = []
    mentions: list[Mention] = []
    pos = 0
    for text, ms in sentences:
        if out:
            out.append(" ")
            pos += 1
        mentions.extend((k, r, pos + s, pos + e) for k, r, s, e in ms)
        out.append(text)
        pos += len(text)
    return "".join(out), mentions


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding [start, end): the figure's context as ingestion reports it."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 1 : right].strip()


async def load(conn: asyncpg.Connection, statements: int, seed: int) -> dict[str, Any]:
    """Generate and COPY the corpus into an empty, migrated database; returns row counts."""
    started = time.perf_counter()
    gen = Generator(seed)
    counts = dict.fromkeys(COLUMNS, 0)
    gen_seconds = 0.0
    copy_seconds = 0.0

    async def copy(batch: Batch) -> None:
        nonlocal copy_seconds
        t0 = time.perf_counter()
        for table, rows in batch.rows.items():
            if rows:
                await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
                counts[table] += len(rows)
        copy_seconds += time.perf_counter() - t0

    await conn.execute("SET session_replication_role = replica")  # no per-row FK triggers
    t0 = time.perf_counter()
    entities = gen.entities()
    gen_seconds += time.perf_counter() - t0
    await copy(entities)
    it = gen.batches(statements)
    while True:
        t0 = time.perf_counter()
        batch = next(it, None)
        gen_seconds += time.perf_counter() - t0
        if batch is None:
            break
        await copy(batch)
    await copy(gen.aliases())
    await conn.execute("SET session_replication_role = origin")
    # the triggers that keep statement_day_count and statement_recent (the search window) did
    # not fire under replica: fill them once here, the day counts first (the window reads them)
    await conn.execute(
        "INSERT INTO statement_day_count (day, n) SELECT spoken_on, count(*) FROM statement"
        " WHERE spoken_on IS NOT NULL GROUP BY spoken_on"
    )
    await conn.execute("SELECT search_window_rebuild()")
    for table in IDENTITY_TABLES:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
    t0 = time.perf_counter()
    await conn.execute("VACUUM (ANALYZE)")  # visibility map set, as autovacuum leaves it
    analyze_seconds = time.perf_counter() - t0
    return {
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 1),
        "generate_seconds": round(gen_seconds, 1),
        "copy_seconds": round(copy_seconds, 1),
        "analyze_seconds": round(analyze_seconds, 1),
        "seed": seed,
    }


# ---------------------------------------------------------------- database


# Bump when the generator's output changes, so stale benchmark databases are rebuilt.
GENERATOR_VERSION = 5


def marker(statements: int, seed: int) -> str:
    """What a finished load writes as the database comment; a reuse check compares it."""
    return f"bench synthetic v{GENERATOR_VERSION} statements={statements} seed={seed}"


# Offsets must index into the stored document text as ingestion's do; checked on a 1% sample.
VERIFY_SQL = {
    "statement": """
        SELECT count(*) FILTER (WHERE replace(substr(d.text, s.start_offset + 1,
                                   s.end_offset - s.start_offset), E'\\n\\n', E'\\n') <> s.text),
               count(*)
        FROM statement s JOIN event e ON e.id = s.event_id
        JOIN source_document d ON d.id = e.document_id WHERE s.id % 100 = 0""",
    "topic_mention": """
        SELECT count(*) FILTER (WHERE substr(d.text, m.start_offset + 1,
                                   m.end_offset - m.start_offset) <> m.text), count(*)
        FROM topic_mention m JOIN statement s ON s.id = m.statement_id
        JOIN event e ON e.id = s.event_id JOIN source_document d ON d.id = e.document_id
        WHERE m.id % 100 = 0""",
    "figure": """
        SELECT count(*) FILTER (WHERE substr(d.text, f.start_offset + 1,
                                   f.end_offset - f.start_offset) <> f.text
                                OR position(f.text IN f.context) = 0), count(*)
        FROM figure f JOIN statement s ON s.id = f.statement_id
        JOIN event e ON e.id = s.event_id JOIN source_document d ON d.id = e.document_id
        WHERE f.id % 100 = 0""",
}


async def verify(conn: asyncpg.Connection) -> dict[str, str]:
    """Mismatching / checked rows per table: offsets against the stored document text."""
    out = {}
    for table, sql in VERIFY_SQL.items():
        bad, checked = await conn.fetchrow(sql)
        out[table] = f"{bad} of {checked} sampled rows mismatch"
        if bad:
            raise RuntimeError(f"synthetic corpus inconsistent: {table}: {out[table]}")
    return out


async def build(server: Server, name: str, statements: int, seed: int) -> dict[str, Any]:
    """A fresh database ``name`` holding the synthetic corpus; returns load statistics."""
    t0 = time.perf_counter()
    url = await fresh_database(server, name)
    migrate_seconds = time.perf_counter() - t0
    conn = await asyncpg.connect(url)
    try:
        stats = await load(conn, statements, seed)
        stats["verified"] = await verify(conn)
        size = await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await conn.close()
    await set_comment(server, name, marker(statements, seed))
    return {
        **stats,
        "database": name,
        "database_size": size,
        "migrate_seconds": round(migrate_seconds, 1),
    }


async def ensure(
    server: Server, name: str, statements: int, seed: int, rebuild: bool = False
) -> dict[str, Any] | None:
    """Reuse ``name`` when a finished load with the same parameters left it; else build it."""
    if not rebuild and await database_comment(server, name) == marker(statements, seed):
        return None
    return await build(server, name, statements, seed)
