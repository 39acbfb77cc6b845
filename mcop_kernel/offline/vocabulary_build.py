"""Building a snapshot's `Vocabulary`: table keys from names and their conventions, and every other name."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import partial

from ..catalog.models import Table
from ..catalog.snapshot import CatalogSnapshot
from ..catalog.words import CatalogWords, NameConventions, conventions_of, name_parts, singular
from .names import DISPLAY, EXACT, LOOSE, PART, RANK, TERM, TableFacts, Vocabulary, key, split_words
from .vocabulary_roles import column_roles, examples, foreign_key_roles


def _prefix_words(names: list[tuple[str, ...]]) -> frozenset[str]:
    """Leading name words many tables share (`fact`, `bs`, an app label): the catalog's own prefixes."""
    droppable: set[str] = set()
    current = [w for w in names if len(w) > 1]
    for _ in range(2):
        firsts = Counter(w[0] for w in current if len(w) > 1)
        shared = {word for word, n in firsts.items() if n >= 2 and not word.isdigit()}
        if not shared:
            break
        droppable |= shared
        current = [w[1:] for w in current if len(w) > 2 and w[0] in shared]
    return frozenset(droppable)


def _core(words: tuple[str, ...], prefixes: frozenset[str]) -> tuple[str, ...]:
    """The name's words after its leading prefixes (never all of them)."""
    start = 0
    while start < min(2, len(words) - 1) and words[start] in prefixes:
        start += 1
    return words[start:]


def _compounds(words: tuple[str, ...], known: set[str]) -> tuple[str, ...]:
    """Words run together split in two at the catalog's own words: `productreview` -> (product, review)."""
    parted: list[str] = []
    for word in words:
        cuts = range(3, len(word) - 2) if len(word) >= 7 else range(0)
        both = [i for i in cuts if word[:i] in known and singular(word[i:]) in known]
        either = [
            (max(len(word[:i]) * (word[:i] in known), len(word[i:]) * (singular(word[i:]) in known)), i)
            for i in cuts
        ]
        best = max(either, default=(0, 0))
        cut = both[0] if both else best[1] if best[0] else 0
        parted += [word[:cut], word[cut:]] if cut else [word]
    return tuple(parted)


def _inside(part: str, known: CatalogWords) -> set[str]:
    """The catalog's words a name part is made of, or that open or close it (`signup` of
    `signupcoderesult`, where `result` is no word of the catalog)."""
    found = {*known.split(part), *known.atoms(part)}
    for cut in range(4, len(part) - 2):
        found.update(piece for piece in (part[:cut], part[-cut:]) if piece in known)
    return found


def _convention_keys(
    vocab: Vocabulary, name: str, conventions: NameConventions, column_words: set[str]
) -> None:
    """The name as its catalog's conventions leave it: the app label dropped and the area's ending
    (`django_ledger_customermodel` -> customer), and the words run together inside it, which name it
    as a part (`customfield` of `helpdesk_ticketcustomfieldvalue`)."""
    label = conventions.label_of(name)
    core = conventions.core(name)
    depth = len(label.split("_")) if label else 0
    if core != name_parts(name)[depth:] or depth:
        quality = LOOSE + max(depth - 1, 0)
        pieces = tuple(a for part in core for a in conventions.words.atoms(part))
        for form in dict.fromkeys((core, pieces)):
            _add(vocab, " ".join(singular(w) for w in form), name, quality)
    inside = {p for part in name_parts(name)[depth:] for p in _inside(part, conventions.words)}
    suffix = conventions.suffixes.get(label, "")
    for piece in inside - set(name_parts(name)) - {suffix}:
        if len(piece) > 3:
            vocab.words.add(singular(piece))
            if piece not in column_words:  # a word columns use ("uploaded") asks for them, not the table
                _add(vocab, singular(piece), name, PART)


def build(snapshot: CatalogSnapshot) -> Vocabulary:
    """Index one snapshot's names (once per snapshot: see `vocabulary.vocabulary_of`)."""
    vocab = Vocabulary()
    conventions = conventions_of(snapshot.tables)
    split = {t.name: split_words(t.name) for t in snapshot.tables}
    vocab.prefixes = _prefix_words(list(split.values()))
    display_of: dict[str, list[str]] = defaultdict(list)
    column_names: Counter[str] = Counter()
    people: set[str] = set()
    places: Counter[str] = Counter()
    table: Table
    for table in snapshot.tables:
        description = " ".join(table.description.split()).split(". ")[0][:120]
        vocab.tables[table.name] = TableFacts(
            table.name, table.type, table.domain, description, RANK.get(table.type, 1)
        )
        vocab.exact[table.name.lower()] = table.name
        words = split[table.name]
        _add(vocab, " ".join(singular(w) for w in words), table.name, EXACT)
        _add(vocab, " ".join(words), table.name, EXACT)
        if table.display_name and table.display_name != table.name:
            _add(vocab, key(table.display_name), table.name, DISPLAY)
            display_of[key(table.display_name)].append(table.name)
        core_start = len(words) - len(_core(words, vocab.prefixes))
        for start in range(1, len(words)):
            quality = LOOSE + start - 1 if start <= core_start else PART
            _add(vocab, " ".join(singular(w) for w in words[start:]), table.name, quality)
        column_names.update(column.name for column in table.columns)
        vocab.words.update(key(table.display_name).split())
        vocab.words.update(key(table.name).split())
        people.update(person.name for person in (table.owner, table.steward) if person is not None)
        if table.domain:
            vocab.domains[key(table.domain)] = table.domain
        places.update(where for where in (table.schema_name, table.system) if where)
    column_words = {w for name in column_names for w in split_words(name)}
    known = {w for words in split.values() for w in words} | column_words
    for table_name, words in split.items():
        parted = _compounds(words, known)
        if parted != words:
            _add(vocab, " ".join(singular(w) for w in parted), table_name, DISPLAY)
            ending = conventions.suffixes.get(conventions.label_of(table_name), "")
            for start in range(1, len(parted) - (parted[-1] == ending)):
                _add(vocab, " ".join(singular(w) for w in parted[start:]), table_name, LOOSE + start)
        _convention_keys(vocab, table_name, conventions, column_words)
    for name, n in column_names.items():
        vocab.columns[key(name)] += n
        vocab.words.update(key(name).split())
    for person_name in sorted(people):
        _person(vocab, person_name)
    _areas(vocab, conventions, places)
    for term in snapshot.terms:
        for name in (term.name, *term.synonyms):
            vocab.terms.setdefault(key(name), term.name)
            vocab.words.update(singular(w) for w in split_words(name))
            for named in display_of.get(key(term.name), ()):
                _add(vocab, key(name), named, TERM)
        if term.steward is not None:
            _person(vocab, term.steward.name)
    for mapping in (vocab.domains, vocab.areas, vocab.people):
        for name in mapping:
            vocab.words.update(name.split())
    vocab.squashed = {k: k for k in vocab.table_keys if " " not in k and len(k) > 4}
    vocab.names = sorted(vocab.exact)
    vocab.word_list = sorted(w for w in vocab.words if len(w) > 3 and not w.isdigit())
    vocab.examples = examples(vocab, snapshot)
    vocab.roles = foreign_key_roles(snapshot)
    vocab.find_column_roles = partial(column_roles, snapshot, vocab)
    return vocab


def _areas(vocab: Vocabulary, conventions: NameConventions, places: Counter[str]) -> None:
    """App labels and the prefixes within them that group two or more tables (`django_ledger`,
    `django`), a multi-word label's last words where no other label ends so (`ledger`), schemas and
    systems."""
    under: Counter[str] = Counter()
    for label in conventions.labels.values():
        parts = label.split("_")
        for end in range(1, len(parts) + 1):
            under["_".join(parts[:end])] += 1
    tails: dict[str, set[str]] = defaultdict(set)
    for area, n in under.items():
        if n >= 2:
            vocab.areas.setdefault(key(area), area)
            parts = area.split("_")
            for start in range(1, len(parts)):
                tails[key("_".join(parts[start:]))].add(area)
    for tail, areas in tails.items():
        if len(areas) == 1 and tail not in vocab.areas:
            vocab.areas[tail] = next(iter(areas))
    deeper: Counter[str] = Counter()
    for table, label in conventions.labels.items():
        parts, depth = table.lower().split("_"), len(label.split("_"))
        deeper.update("_".join(parts[:end]) for end in range(depth + 1, len(parts)))
    for (
        prefix,
        n,
    ) in deeper.items():  # an app label of several words the label rule merged (`easy_thumbnails`)
        if n >= 2 and prefix not in vocab.exact:
            vocab.areas.setdefault(key(prefix), prefix)
    for place, n in places.items():
        if n >= 2:
            vocab.areas.setdefault(key(place), place)


def _add(vocab: Vocabulary, span_key: str, table: str, quality: int) -> None:
    if not span_key:
        return
    # `singular` keeps a word in -ics (like `analytics`): "latest metric" still names `metrics`, and
    # "topics" names `topic`
    other = " ".join(_ics_twin(w) for w in span_key.split()) if "ic" in span_key else span_key
    for form in dict.fromkeys((span_key, other)):
        known = vocab.table_keys[form].get(table)
        if known is None or quality < known:
            vocab.table_keys[form][table] = quality


def _ics_twin(word: str) -> str:
    if word.endswith("ics") and len(word) > 5:
        return word[:-1]
    return word + "s" if word.endswith("ic") and len(word) > 4 else word


def _person(vocab: Vocabulary, name: str) -> None:
    vocab.people.setdefault(key(name), name)
    for part in split_words(name):
        if len(part) > 2:
            other = vocab.people.get(part)
            vocab.people[part] = name if other in (None, name) else ""
