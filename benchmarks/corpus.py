"""A synthetic project shaped like the seed study, at any size, for the benchmarks.

Groups cross the study's dimensions (cycling the six cells beyond G6), each with eight
to ten participants and one moderator (ANIMATRICE); turns are French-like sentences
whose lengths follow a lognormal law, from "Oui." to 150-word stories. Coder alice
codes first; bob and carol are derived from her with noise, so their agreement is
what real double coding gives (Cohen's kappa per theme around 0.7, measured and
written to the manifest). Everything comes from one seeded `random.Random`, so a size
and a seed always give the same project.

The project is written through the project's own schema: `create_project`, then the
study and codebook services, then bulk `insert()` of participants, quotes, codings and
reviews in a few transactions (per-quote services would take hours at 100k). The same
content is written as raw files — one transcript per group and one quote table — so
importers can be measured on it.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.harness import Corpus

if TYPE_CHECKING:
    from qualcode.domain.study import StudySpec

GENERATOR_VERSION = 1
"""Bump when the output changes: cached corpora of another version are rebuilt."""

SEED = 20231109
REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"
STUDY_FILE = REPO / "data" / "study.toml"
CODEBOOK_FILE = REPO / "codebooks" / "numerique-sante.yaml"
MODERATOR = "ANIMATRICE"
CODERS = ("alice", "bob", "carol")
CITIES = ("Lille", "Paris", "Tours")


@dataclass(frozen=True)
class Profile:
    """How many quotes, and how densely the coders work on them."""

    quotes: int
    coded_share: float
    """Share of the substantive (four words or more) non-moderator turns alice codes."""
    codes: tuple[int, int]
    """Least and most codes alice applies to a turn she codes."""


DEMO = "demo"
"""The demo project itself (`build_demo_corpus`), not a generated one."""

PROFILES: dict[str, Profile] = {
    "smoke": Profile(300, 0.45, (1, 3)),
    "1k": Profile(1_000, 0.45, (1, 3)),
    "10k": Profile(10_000, 0.45, (1, 3)),
    # A heavily coded project (every substantive turn, four to eight codes, by three
    # coders): the report's target is stated at a million codings.
    "100k": Profile(100_000, 1.0, (4, 8)),
}

# Lognormal turn length: median 12 words, a long tail of stories cut at 150.
LENGTH_MEDIAN, LENGTH_SIGMA, LENGTH_MAX = 12.0, 1.0, 150
MODERATOR_SHARE = 0.15
SUBSTANTIVE_WORDS = 4

INTERJECTIONS = (
    "Oui.", "Voilà.", "Non.", "D'accord.", "Exactement.", "Tout à fait.", "C'est ça.",
    "Ah oui\u00a0!", "Bien sûr.", "Mmh.", "Voilà, c'est ça.", "Je suis d'accord.",
    "Ça dépend.", "Peut-être.", "Pas du tout.", "Complètement.", "Oui, voilà.",
)
SUBJECTS = (
    "je", "on", "ma mère", "mon fils", "ma fille", "le médecin", "mon généraliste",
    "la pharmacienne", "mon mari", "ma femme", "les gens", "nous", "vous", "ils",
    "la secrétaire", "le kiné", "mon père", "l'hôpital", "la sécu", "ma sœur",
)
VERBS = (
    "a reçu", "trouve", "regarde", "utilise", "préfère", "a téléchargé", "envoie",
    "garde", "vérifie", "a oublié", "cherche", "consulte", "a perdu", "imprime",
    "demande", "explique", "a activé", "ne comprend pas", "s'inquiète pour", "paie",
)
WORDS = (
    "le", "la", "les", "un", "une", "des", "du", "de", "à", "au", "en", "et", "mais",
    "donc", "parce", "que", "qui", "pas", "plus", "très", "trop", "bien", "aussi",
    "toujours", "jamais", "déjà", "après", "avant", "là", "ça", "c'est", "j'ai",
    "rendez-vous", "ordonnance", "résultats", "analyses", "laboratoire", "carte",
    "Vitale", "mutuelle", "téléphone", "ordinateur", "application", "site", "mail",
    "courrier", "papier", "dossier", "compte", "code", "mot", "passe", "santé", "soins",
    "hôpital", "clinique", "urgences", "pédiatre", "dentiste", "ophtalmo", "infirmière",
    "pharmacie", "médicaments", "traitement", "vaccin", "radio", "échographie",
    "prise", "sang", "remboursement", "délai", "numérique", "internet", "écran", "âgé",
    "enfant", "bébé", "maison", "travail", "semaine", "année", "mois", "fois", "heure",
    "quand", "même", "vraiment", "franchement", "honnêtement", "forcément", "peut-être",
    "compliqué", "pratique", "rapide", "simple", "inquiétant", "rassurant", "sûr",
    "confiance", "données", "sécurité", "intéressant", "inutile", "utile", "génial",
    "être", "avoir", "faire", "aller", "voir", "savoir", "pouvoir", "falloir", "mettre",
    "prendre", "donner", "recevoir", "télécharger", "scanner", "noter", "retrouver",
    "tout", "rien", "chose", "truc", "fin", "début", "côté", "façon", "problème",
    "naïf", "cœur", "œil", "noël", "réglé", "été", "où", "ça", "là-dessus", "coincé",
)
CONNECTORS = ("parce que", "mais", "donc", "en fait", "du coup", "et puis", "sinon",
              "enfin", "bref", "alors", "après", "quand même")
QUESTIONS = (
    "Qu'est-ce que vous en pensez", "Et vous, comment vous faites", "Qui a déjà utilisé",
    "Est-ce que ça vous rassure", "Comment vous gardez vos documents",
    "Vous avez entendu parler de Mon Espace Santé", "Qu'est-ce qui vous inquiète",
    "Et pour vos enfants", "Quelqu'un d'autre", "Pourquoi",
)
FIRST_NAMES = (
    "Hélène", "Joël", "Françoise", "Jérôme", "Anaïs", "Loïc", "Noémie", "Gaëlle",
    "Cédric", "Zoé", "Benoît", "Maëlle", "Raphaël", "Inès", "Timothée", "Léa",
    "Mathéo", "Chloé", "Aurélien", "Clémence",
)
# Not every theme comes up as often: the seed's weights, roughly.
THEME_WEIGHTS = {"dehumanisation": 2.0, "data security": 3.0, "practicality": 4.0,
                 "reassurance": 3.0, "mon espace santé status": 1.5}
MISS_THEME, KEEP, SWAP_SIBLING, ADD_THEME = 0.2, 0.8, 0.1, 0.14
"""Noise of bob and carol: miss one of alice's themes on a turn; else keep each of her
codes, swap it for another sub-code of its theme, or drop it; and see a theme she did not."""


@dataclass
class CodeInfo:
    id: int
    name: str
    theme: str
    parent: str | None
    exclusive_parent: bool
    keywords: list[str]


@dataclass
class Manifest:
    """What the generator wrote, for the harness and the smoke test to check against."""

    version: int
    seed: int
    size: str
    quotes: int
    groups: int
    participants: int
    moderators: int
    moderator_quotes: int
    codings: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)
    kappa: dict[str, float | None] = field(default_factory=dict)
    """Cohen's kappa per theme between alice and bob, as SPEC's agreement defines units."""
    seconds: float = 0.0
    inputs: str = ""
    """The demo's: a digest of the files it is built from (`demo_inputs`), so a cached
    demo corpus is rebuilt when the demo's study, codebook, quotes or codings change."""

    @property
    def total_codings(self) -> int:
        return sum(self.codings.values())


def load(size: str, root: Path = OUT, seed: int = SEED) -> Corpus:
    """The corpus of that size, built once and cached until the generator changes (the
    demo's: until the generator or the demo's own files change)."""
    folder = root / size
    manifest = read_manifest(folder)
    stale = manifest is None or manifest.version != GENERATOR_VERSION or manifest.seed != seed
    if size == DEMO:
        if manifest is None or stale or manifest.inputs != demo_inputs():
            build_demo_corpus(folder, seed)
    elif stale:
        build(size, folder, seed=seed)
    return corpus_at(folder)


def demo_inputs() -> str:
    """A digest of the files `qualcode demo` builds its project from (the package's
    `qualcode/demo/`, which `data/` and `codebooks/` link to)."""
    from qualcode.services.demo import DemoFiles

    files = DemoFiles.find()
    digest = hashlib.sha256()
    for path in (files.study, files.codebook, files.quotes, files.codings):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_demo_corpus(folder: Path, seed: int = SEED) -> Manifest:
    """The demo as `make demo` builds it (`qualcode demo`, through `build_demo`: the
    study's 22 quotes, coded by `seed`); its empty twin made by the command itself,
    `qualcode init --study data/study.toml --codebook codebooks/numerique-sante.yaml`;
    and its study, codebook and quote table as raw files: the issue asks the read
    commands to hold their floors on the demo too. The demo has no transcript (its
    quotes come from a table), so `raw/transcripts` is absent and the cases that import
    transcripts leave this size out (their `sizes`)."""
    import subprocess
    import sys

    from qualcode.services.demo import DemoFiles, build_demo

    files = DemoFiles.find()
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "raw").mkdir(parents=True)
    for source, name in ((files.study, "study.toml"), (files.codebook, "codebook.yaml"),
                         (files.quotes, "quotes.csv")):
        shutil.copyfile(source, folder / "raw" / name)
    made = subprocess.run([sys.executable, "-m", "qualcode", "--db", str(folder / "empty.db"),
                           "init", "--study", "data/study.toml",
                           "--codebook", "codebooks/numerique-sante.yaml"],
                          cwd=REPO, check=False, capture_output=True, text=True)
    if made.returncode:
        raise RuntimeError(f"qualcode init for the demo corpus failed: {made.stderr.strip()}")
    _checkpoint(folder / "empty.db")
    build_demo(str(folder / "project.db"), files)
    _checkpoint(folder / "project.db")
    conn = sqlite3.connect(folder / "project.db")
    try:
        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        manifest = Manifest(
            version=GENERATOR_VERSION, seed=seed, size=DEMO,
            quotes=one("SELECT count(*) FROM quote"),
            groups=one("SELECT count(*) FROM study_group"),
            participants=one("SELECT count(*) FROM participant"),
            moderators=one("SELECT count(*) FROM participant WHERE is_moderator"),
            moderator_quotes=one("SELECT count(*) FROM quote q JOIN participant p "
                                 "ON p.id = q.participant_id WHERE p.is_moderator"),
            codings=dict(conn.execute("SELECT k.name, count(*) FROM coding c "
                                      "JOIN coder k ON k.id = c.coder_id GROUP BY k.name")),
            inputs=demo_inputs())
    finally:
        conn.close()
    (folder / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2,
                                                     ensure_ascii=False), encoding="utf-8")
    return manifest


def corpus_at(folder: Path) -> Corpus:
    manifest = read_manifest(folder)
    if manifest is None:
        raise FileNotFoundError(f"no corpus in {folder}")
    return Corpus(size=manifest.size, quotes=manifest.quotes, db=folder / "project.db",
                  raw=folder / "raw")


def read_manifest(folder: Path) -> Manifest | None:
    path = folder / "manifest.json"
    if not path.is_file():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (TypeError, ValueError):
        return None


def build(size: str, folder: Path, *, seed: int = SEED) -> Manifest:
    """Write the project, its empty twin (design and codebook only) and the raw files."""
    from time import perf_counter

    started = perf_counter()
    profile = PROFILES[size]
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "raw" / "transcripts").mkdir(parents=True)
    rng = random.Random(f"{seed}:{size}")
    study = _study(profile.quotes)
    shutil.copyfile(CODEBOOK_FILE, folder / "raw" / "codebook.yaml")
    (folder / "raw" / "study.toml").write_text(_study_toml(study), encoding="utf-8")
    _empty_project(folder / "empty.db", study)
    shutil.copyfile(folder / "empty.db", folder / "project.db")
    (folder / "project.db").chmod(0o600)
    manifest = _fill(folder, size, profile, study, rng, seed)
    manifest.seconds = perf_counter() - started
    (folder / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2,
                                                     ensure_ascii=False), encoding="utf-8")
    return manifest


def _study(quotes: int) -> StudySpec:
    """The seed's design, with G1..Gn cycling its six cells when there are more groups."""
    from qualcode.domain.study import GroupSpec, StudySpec, load_study

    seed_study = load_study(STUDY_FILE)
    count = max(len(seed_study.groups), round(quotes / 1000))
    start = datetime(2023, 11, 9)
    groups = []
    for i in range(count):
        cell = seed_study.groups[i % len(seed_study.groups)]
        attributes = {**cell.attributes, "city": CITIES[i % len(CITIES)],
                      "date": (start + timedelta(days=i % 12)).date().isoformat()}
        groups.append(GroupSpec(name=f"G{i + 1}", levels=dict(cell.levels),
                                attributes=attributes))
    return StudySpec(title=seed_study.title, attributes=seed_study.attributes,
                     dimensions=seed_study.dimensions, groups=groups)


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _study_toml(study: StudySpec) -> str:
    """The generated design as a study file, so `qualcode init --study` can load it."""
    lines = ["[study]", f"title = {_toml_value(study.title)}"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in study.attributes.items()]
    lines += ["", "[dimensions]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in study.dimensions.items()]
    for group in study.groups:
        lines += ["", "[[groups]]", f"name = {_toml_value(group.name)}"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in group.levels.items()]
        lines += [f"{k} = {_toml_value(v)}" for k, v in group.attributes.items()]
    return "\n".join(lines) + "\n"


def _empty_project(path: Path, study: StudySpec) -> None:
    """A project with the design and codebook and nothing else: what `qualcode init` makes."""
    from qualcode.db.engine import create_project
    from qualcode.domain.codebook import load_codebook
    from qualcode.services import events
    from qualcode.services.codebook import import_codebook
    from qualcode.services.study import apply_study

    project = create_project(str(path))
    try:
        with project.write() as session:
            apply_study(session, study)
            import_codebook(session, load_codebook(CODEBOOK_FILE))
            events.record(session, coder="bench", action="init", study="benchmarks",
                          codebook=str(CODEBOOK_FILE.name))
    finally:
        project.close()
    _checkpoint(path)


def _checkpoint(path: Path) -> None:
    """Fold the WAL back into the file, so a plain file copy is the whole project."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _codes(conn: sqlite3.Connection) -> list[CodeInfo]:
    rows = conn.execute("SELECT id, name, parent_id, keywords, exclusive FROM code").fetchall()
    by_id = {r[0]: r for r in rows}

    def theme_of(code_id: int) -> str:
        row = by_id[code_id]
        return theme_of(row[2]) if row[2] is not None else str(row[1])

    return [
        CodeInfo(id=r[0], name=r[1], theme=theme_of(r[0]),
                 parent=by_id[r[2]][1] if r[2] is not None else None,
                 exclusive_parent=bool(r[2] is not None and by_id[r[2]][4]),
                 keywords=json.loads(r[3]))
        for r in sorted(rows)
    ]


@dataclass
class _Turn:
    group: int
    speaker: int
    moderator: bool
    text: str
    codes: dict[str, list[int]]


class _Writer:
    """Turns and codings from one seeded random stream."""

    def __init__(self, rng: random.Random, codes: list[CodeInfo], profile: Profile) -> None:
        self.rng = rng
        self.profile = profile
        self.codes = codes
        self.themes = list(THEME_WEIGHTS)
        self.theme_weights = [THEME_WEIGHTS[t] for t in self.themes]
        # Coders code at the most specific level: leaves, or a theme with no children.
        parents = {c.parent for c in codes if c.parent}
        self.leaves = {t: [c for c in codes if c.theme == t and c.name not in parents]
                       for t in self.themes}
        self.by_id = {c.id: c for c in codes}

    def words(self) -> int:
        n = self.rng.lognormvariate(math.log(LENGTH_MEDIAN), LENGTH_SIGMA)
        return max(1, min(LENGTH_MAX, int(n)))

    def sentence(self, length: int, keyword: str | None) -> str:
        rng = self.rng
        parts = [rng.choice(SUBJECTS), rng.choice(VERBS)]
        parts += rng.choices(WORDS, k=max(0, length - 2))
        if keyword is not None:
            parts.insert(rng.randrange(2, len(parts) + 1), keyword)
        if length > 8 and rng.random() < 0.5:
            parts.insert(rng.randrange(3, len(parts)), rng.choice(CONNECTORS))
        if rng.random() < 0.04:
            at = rng.randrange(2, len(parts))
            parts[at] = f"«\u00a0{parts[at]}\u00a0»"
        text = " ".join(parts)
        end = "\u00a0?" if rng.random() < 0.06 else ("…" if rng.random() < 0.08 else ".")
        return text[0].upper() + text[1:] + end

    def text(self, length: int, keywords: list[str]) -> str:
        if length < SUBSTANTIVE_WORDS and not keywords:
            return self.rng.choice(INTERJECTIONS)
        sentences: list[str] = []
        remaining = length
        pending = list(keywords)
        while remaining > 0 or pending:
            size = min(remaining, self.rng.randint(6, 22)) if remaining > 0 else 3
            sentences.append(self.sentence(max(size, 3), pending.pop() if pending else None))
            remaining -= size
        return " ".join(sentences)

    def question(self) -> str:
        q = self.rng.choice(QUESTIONS)
        if self.rng.random() < 0.4:
            return self.sentence(self.rng.randint(5, 18), None) + " " + q + "\u00a0?"
        return q + "\u00a0?"

    def alice(self, length: int) -> list[int]:
        """The first coder's codes for a turn: mostly one theme, sometimes a second."""
        rng, profile = self.rng, self.profile
        if length < SUBSTANTIVE_WORDS or rng.random() >= profile.coded_share:
            return []
        want = rng.randint(*profile.codes)
        themes = [rng.choices(self.themes, self.theme_weights)[0]]
        chosen: list[int] = []
        tries = 0
        while len(chosen) < want and tries < 4 * want:
            tries += 1
            if rng.random() < 0.3:
                themes.append(rng.choices(self.themes, self.theme_weights)[0])
            code = rng.choice(self.leaves[rng.choice(themes)])
            if code.id in chosen or (code.exclusive_parent and any(
                    self.by_id[c].parent == code.parent for c in chosen)):
                continue
            chosen.append(code.id)
        return chosen

    def derived(self, base: list[int]) -> list[int]:
        """Another coder's codes on the same turn: alice's, with a coder's disagreements.

        Disagreement is drawn per theme (seeing a theme or not) and then per code (which
        sub-code), so the themes' kappa stays near 0.7 however densely alice codes.
        """
        rng = self.rng
        out: list[int] = []
        themes: dict[str, list[int]] = {}
        for code_id in base:
            themes.setdefault(self.by_id[code_id].theme, []).append(code_id)
        for theme, ids in themes.items():
            if rng.random() < MISS_THEME:
                continue
            for code_id in ids:
                r = rng.random()
                if r < KEEP:
                    self._add(out, code_id)
                elif r < KEEP + SWAP_SIBLING:
                    self._add(out, rng.choice(self.leaves[theme]).id)
        if rng.random() < ADD_THEME:
            theme = rng.choices(self.themes, self.theme_weights)[0]
            self._add(out, rng.choice(self.leaves[theme]).id)
        return out

    def _add(self, out: list[int], code_id: int) -> None:
        code = self.by_id[code_id]
        if code_id in out or (code.exclusive_parent and any(
                self.by_id[c].parent == code.parent for c in out)):
            return
        out.append(code_id)


def _participants(rng: random.Random, group_index: int, levels: dict[str, str]
                  ) -> list[tuple[str, dict[str, str]]]:
    """Eight to ten participants balanced as the seed's recruitment describes."""
    count = rng.randint(8, 10)
    names = rng.sample(FIRST_NAMES, count)
    age = levels.get("age", "")
    ald = set(rng.sample(range(count), rng.randint(2, 3)))
    mes = set(rng.sample(range(count), rng.randint(2, 3)))
    caregivers = set(rng.sample(range(count), rng.randint(2, 3) if age != "<35" else 0))
    parents = set(rng.sample(range(count), rng.randint(3, 4) if age == "<35" else 0))
    yes = {True: "yes", False: "no"}
    out = []
    for i, name in enumerate(names):
        out.append((name, {
            "sex": "F" if (i + group_index) % 2 == 0 else "M", "age_band": age,
            "ald": yes[i in ald], "mes_user": yes[i in mes], "caregiver": yes[i in caregivers],
            "parent_under_2": yes[i in parents],
        }))
    return out


def _fill(folder: Path, size: str, profile: Profile, study: StudySpec, rng: random.Random,
          seed: int) -> Manifest:
    from sqlalchemy import insert

    from qualcode.db.engine import open_project
    from qualcode.db.models import Coder, Coding, Participant, Quote, Review, Source
    from qualcode.importers.base import content_hash, text_hash

    db = folder / "project.db"
    conn = sqlite3.connect(db)
    try:
        codes = _codes(conn)
        group_ids = dict(conn.execute("SELECT name, id FROM study_group").fetchall())
    finally:
        conn.close()
    writer = _Writer(rng, codes, profile)
    n_groups = len(study.groups)
    per_group = [profile.quotes // n_groups + (1 if i < profile.quotes % n_groups else 0)
                 for i in range(n_groups)]

    participant_rows: list[dict[str, Any]] = []
    # (group index, label) → participant id, assigned here so every row can be inserted at once
    next_pid = 1
    turns: list[_Turn] = []
    speakers: list[list[tuple[int, str]]] = []
    for gi, group in enumerate(study.groups):
        gid = group_ids[group.name]
        people = _participants(rng, gi, group.levels)
        ids: list[tuple[int, str]] = []
        participant_rows.append({"id": next_pid, "group_id": gid, "label": MODERATOR,
                                 "is_moderator": True, "attributes": {}})
        moderator = (next_pid, MODERATOR)
        next_pid += 1
        for label, attributes in people:
            participant_rows.append({"id": next_pid, "group_id": gid, "label": label,
                                     "is_moderator": False, "attributes": attributes})
            ids.append((next_pid, label))
            next_pid += 1
        speakers.append([moderator, *ids])
        # Some people talk much more than others.
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(ids))]
        for _ in range(per_group[gi]):
            if rng.random() < MODERATOR_SHARE:
                turns.append(_Turn(gi, 0, True, writer.question(), {}))
                continue
            speaker = rng.choices(range(1, len(ids) + 1), weights)[0]
            length = writer.words()
            first = writer.alice(length)
            keywords = [rng.choice(writer.by_id[c].keywords[:4]) for c in first]
            text = writer.text(length, keywords)
            codes_by = {"alice": first}
            for other in CODERS[1:]:
                codes_by[other] = writer.derived(first) if first else (
                    writer.derived([]) if length >= SUBSTANTIVE_WORDS else [])
            turns.append(_Turn(gi, speaker, False, text, codes_by))

    # Raw files, and the offsets of each turn's text in its transcript.
    offsets: list[tuple[int, int]] = []
    sources: list[dict[str, Any]] = []
    by_group: dict[int, list[int]] = {}
    for index, turn in enumerate(turns):
        by_group.setdefault(turn.group, []).append(index)
    for gi, group in enumerate(study.groups):
        levels = ", ".join(group.levels.values())
        header = (f"Réunion de groupe {group.name} — {levels} — {group.attributes['city']}, "
                  f"{group.attributes['date']}\n\n")
        parts = [header]
        at = len(header)
        for index in by_group.get(gi, []):
            turn = turns[index]
            label = speakers[gi][turn.speaker][1]
            prefix = f"{label} : "
            offsets.append((at + len(prefix), at + len(prefix) + len(turn.text)))
            line = f"{prefix}{turn.text}\n"
            parts.append(line)
            at += len(line)
        transcript = "".join(parts)
        data = transcript.encode("utf-8")
        (folder / "raw" / "transcripts" / f"{group.name}.txt").write_bytes(data)
        sources.append({"id": gi + 1, "group_id": group_ids[group.name],
                        "name": f"{group.name}.txt", "kind": "transcript", "format": "txt",
                        "content_hash": content_hash(data), "text": transcript,
                        "imported_at": datetime(2023, 11, 21, tzinfo=UTC),
                        "imported_by": "bench"})
    _write_quote_table(folder / "raw" / "quotes.csv", study, turns, speakers)

    base_time = datetime(2023, 11, 21, 9, 0, tzinfo=UTC)
    quote_rows: list[dict[str, Any]] = []
    coding_rows: list[dict[str, Any]] = []
    review_rows: list[dict[str, Any]] = []
    coder_ids = {name: i + 1 for i, name in enumerate(CODERS)}
    codings = dict.fromkeys(CODERS, 0)
    reviews = dict.fromkeys(CODERS, 0)
    position: dict[int, int] = {}
    qid = 0
    ordered = [i for gi in range(n_groups) for i in by_group.get(gi, [])]
    for order, index in enumerate(ordered):
        turn = turns[index]
        qid += 1
        position[turn.group] = position.get(turn.group, 0) + 1
        start, end = offsets[order]
        quote_rows.append({
            "id": qid, "group_id": group_ids[study.groups[turn.group].name],
            "participant_id": speakers[turn.group][turn.speaker][0], "source_id": turn.group + 1,
            "position": position[turn.group], "start": start, "end": end, "text": turn.text,
            "external_id": None, "text_hash": text_hash(turn.text),
        })
        if turn.moderator:
            continue
        when = base_time + timedelta(seconds=7 * qid)
        for coder, applied in turn.codes.items():
            cid = coder_ids[coder]
            for code_id in applied:
                coding_rows.append({"quote_id": qid, "code_id": code_id, "coder_id": cid,
                                    "span_start": None, "span_end": None, "memo": None,
                                    "created_at": when})
            codings[coder] += len(applied)
            if not applied:
                review_rows.append({"quote_id": qid, "coder_id": cid, "created_at": when})
                reviews[coder] += 1

    project = open_project(str(db), warn=False)
    try:
        with project.engine.begin() as c:
            c.execute(insert(Coder), [{"id": i, "name": n} for n, i in coder_ids.items()])
            c.execute(insert(Source), sources)
            c.execute(insert(Participant), participant_rows)
            c.execute(insert(Quote), quote_rows)
        for chunk in range(0, len(coding_rows), 250_000):
            with project.engine.begin() as c:
                c.execute(insert(Coding), coding_rows[chunk:chunk + 250_000])
        with project.engine.begin() as c:
            if review_rows:
                c.execute(insert(Review), review_rows)
    finally:
        project.close()
    _checkpoint(db)

    non_moderator = [t for t in turns if not t.moderator]
    return Manifest(
        version=GENERATOR_VERSION, seed=seed, size=size, quotes=len(turns), groups=n_groups,
        participants=len(participant_rows), moderators=n_groups,
        moderator_quotes=len(turns) - len(non_moderator), codings=codings, reviews=reviews,
        kappa=theme_kappa(non_moderator, writer, "alice", "bob"),
    )


def _write_quote_table(path: Path, study: StudySpec, turns: list[_Turn],
                       speakers: list[list[tuple[int, str]]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["group", "speaker", "text"])
        order = sorted(range(len(turns)), key=lambda i: turns[i].group)
        for i in order:
            turn = turns[i]
            out.writerow([study.groups[turn.group].name, speakers[turn.group][turn.speaker][1],
                          turn.text])


def theme_kappa(turns: list[_Turn], writer: _Writer, a: str, b: str) -> dict[str, float | None]:
    """Cohen's kappa per theme: 1 when the coder applied the theme or a descendant."""
    out: dict[str, float | None] = {}
    for theme in writer.themes:
        pairs = [(any(writer.by_id[c].theme == theme for c in t.codes[a]),
                  any(writer.by_id[c].theme == theme for c in t.codes[b])) for t in turns]
        out[theme] = cohen_kappa(pairs)
    return out


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    n = len(pairs)
    if n == 0:
        return None
    agree = sum(1 for x, y in pairs if x == y) / n
    pa = sum(1 for x, _ in pairs if x) / n
    pb = sum(1 for _, y in pairs if y) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return None if expected == 1 else (agree - expected) / (1 - expected)


def content_digest(db: Path) -> str:
    """A hash of everything a corpus stores except the clock-stamped journal."""
    conn = sqlite3.connect(db)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name <> 'event' "
            "ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()
