"""German full-text search over the service catalogue.

Words are normalised in Python the same way for the index and for the query: lower case, the
Snowball stemmer of the language ("Anmeldung" and "anmelden" both become "anmeld"), then umlauts
and ß folded ("Führerschein" = "Fuehrerschein" = "Fuhrerschein"). Each query word matches names
and search terms as a prefix, so "Perso" finds "Personalausweis" while someone is still typing,
and the body text as a whole word.

The database does the matching: PostgreSQL through generated ``tsvector`` columns for names
and body texts, each with a GIN index, and, when nothing matches, trigram similarity against the catalogue's vocabulary to forgive
a typo; SQLite through an FTS5 table, with a small edit-distance fallback in Python.
"""

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.db import connection, transaction

from rathaus.municipalities.models import Municipality

from .models import SearchWord, Service, ServiceSearchEntry
from .text import plain_text

MAX_QUERY_WORDS = 8
MIN_CORRECTED_LENGTH = 5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e", "à": "a"})
_STEMMERS = {"de": "german", "en": "english"}

# Text fields indexed per language: the name and search terms weigh most.
_NAME_FIELDS = {"de": ("name",), "en": ("name_en",)}
_BODY_FIELDS = {
    "de": ("teaser", "short_text", "full_text", "prerequisites", "required_documents", "procedure"),
    "en": ("teaser_en", "short_text_en", "full_text_en", "prerequisites_en", "required_documents_en", "procedure_en"),
}
LANGUAGES = tuple(_NAME_FIELDS)


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMERS.get(language, "german"))


@lru_cache(maxsize=65536)
def _normalise_word(word: str, language: str) -> str:
    stem: str = _stemmer(language).stemWord(word.lower())
    return stem.translate(_FOLD)


def normalise(text: str, language: str = "de") -> list[str]:
    """The normalised words of ``text``, in order, duplicates kept."""
    return [_normalise_word(word, language) for word in _WORD.findall(text or "")]


def _terms(service: Service, fields: tuple[str, ...], language: str) -> str:
    return " ".join(normalise(" ".join(plain_text(getattr(service, field)) for field in fields), language))


def _entry_terms(service: Service, language: str) -> tuple[str, str] | None:
    """Name terms and body terms of ``service`` in ``language``; None when it has no name there."""
    name_terms = _terms(service, _NAME_FIELDS[language], language)
    if language == "de":
        # Search terms (synonyms) are German; they also help English readers who know them.
        name_terms = f"{name_terms} {' '.join(normalise(service.synonyms, 'de'))}".strip()
    elif not name_terms:
        return None
    return name_terms, _terms(service, _BODY_FIELDS[language], language)


def _vocabulary(name_terms: str, body_terms: str) -> set[str]:
    return {word[:100] for word in f"{name_terms} {body_terms}".split() if len(word) > 2}


def service_index(*, service: Service) -> None:
    """Write the search entries of ``service`` (one per language) and extend the vocabulary."""
    if not service.is_published:
        ServiceSearchEntry.objects.filter(service=service).delete()
        return
    words: set[str] = set()
    for language in LANGUAGES:
        terms = _entry_terms(service, language)
        if terms is None:
            ServiceSearchEntry.objects.filter(service=service, language=language).delete()
            continue
        ServiceSearchEntry.objects.update_or_create(
            service=service,
            language=language,
            defaults={"municipality_id": service.municipality_id, "name_terms": terms[0], "body_terms": terms[1]},
        )
        words |= _vocabulary(*terms)
    SearchWord.objects.bulk_create(
        [SearchWord(municipality_id=service.municipality_id, word=word) for word in sorted(words)],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class SearchResult:
    service_ids: list[int]
    # True when nothing matched as typed and the ids come from similar spellings.
    spelling_corrected: bool


def _query_words(query: str, language: str) -> list[str]:
    # Only letters and digits reach the database query; everything else separates words.
    return [word for word in normalise(query, language) if word][:MAX_QUERY_WORDS]


def service_ids_matching(*, municipality: Municipality, query: str, language: str, limit: int = 50) -> SearchResult:
    """Ids of published services of ``municipality`` matching every word of ``query``, best first."""
    language = language if language in LANGUAGES else "de"
    words = _query_words(query, language)
    if not words:
        return SearchResult([], False)
    alternatives = [[word] for word in words]
    ids = _match(municipality, language, alternatives, limit)
    if ids:
        return SearchResult(ids, False)
    corrected = _corrections(municipality, words)
    if corrected == alternatives:
        return SearchResult([], False)
    return SearchResult(_match(municipality, language, corrected, limit), True)


def _match(municipality: Municipality, language: str, alternatives: list[list[str]], limit: int) -> list[int]:
    if connection.vendor == "postgresql":
        return _match_postgresql(municipality.pk, language, alternatives, limit)
    return _match_sqlite(municipality.pk, language, alternatives, limit)


def _match_postgresql(municipality_id: int, language: str, alternatives: list[list[str]], limit: int) -> list[int]:
    # Each word (or one of its corrections) must occur in the name as a prefix or in the body as
    # a whole word; both checks are answered by GIN indexes. Ordering reads only the short name
    # vector: services whose name holds every word first, then by name rank.
    name_queries = ["|".join(f"{word}:*" for word in group) for group in alternatives]
    body_queries = ["|".join(group) for group in alternatives]
    conditions = " AND ".join(
        "(entry.name_document @@ to_tsquery('simple', %s) OR entry.body_document @@ to_tsquery('simple', %s))"
        for _group in alternatives
    )
    sql = f"""
        SELECT entry.service_id
        FROM catalogue_servicesearchentry AS entry
        WHERE entry.municipality_id = %s AND entry.language = %s AND {conditions}
        ORDER BY entry.name_document @@ to_tsquery('simple', %s) DESC,
                 ts_rank(entry.name_document, to_tsquery('simple', %s)) DESC,
                 entry.service_id
        LIMIT %s
    """  # noqa: S608 - only placeholders are interpolated
    params: list[int | str] = [municipality_id, language]
    for name_query, body_query in zip(name_queries, body_queries, strict=True):
        params += [name_query, body_query]
    params += [" & ".join(f"({query})" for query in name_queries), " | ".join(name_queries), limit]
    # For a word in half the catalogue the planner prefers a sequential scan, which unpacks every
    # long body vector (measured: 20 ms at 10,000 services); the GIN bitmaps answer it in ~3 ms.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _match_sqlite(municipality_id: int, language: str, alternatives: list[list[str]], limit: int) -> list[int]:
    expression = " AND ".join(
        "(" + " OR ".join(f'name_terms : "{word}"* OR "{word}"' for word in group) + ")" for group in alternatives
    )
    sql = """
        SELECT entry.service_id
        FROM catalogue_service_fts AS fts
        JOIN catalogue_servicesearchentry AS entry ON entry.id = fts.rowid
        WHERE catalogue_service_fts MATCH %s AND entry.municipality_id = %s AND entry.language = %s
        ORDER BY bm25(catalogue_service_fts, 10.0, 1.0), entry.service_id
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, municipality_id, language, limit])
        return [row[0] for row in cursor.fetchall()]


def _corrections(municipality: Municipality, words: list[str]) -> list[list[str]]:
    """For each query word, the word itself plus the closest words of the catalogue's vocabulary."""
    # Short words are left alone: a correction of "ab" or "fur" would match half the catalogue.
    # A correction differs by about one typo, so its length is within two letters of the word's;
    # that keeps "stadtwerk" from turning into "stadt", which every text contains.
    if connection.vendor == "postgresql":
        return [
            [word, *(_similar_words_postgresql(municipality.pk, word) if len(word) >= MIN_CORRECTED_LENGTH else [])]
            for word in words
        ]
    vocabulary = list(SearchWord.objects.filter(municipality=municipality).values_list("word", flat=True))
    return [
        [
            word,
            *(
                difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.8)
                if len(word) >= MIN_CORRECTED_LENGTH
                else []
            ),
        ]
        for word in words
    ]


def _close_words_python(word: str, vocabulary: list[str]) -> list[str]:
    candidates = [candidate for candidate in vocabulary if abs(len(candidate) - len(word)) <= 2]
    return difflib.get_close_matches(word, candidates, n=3, cutoff=0.8)


def _similar_words_postgresql(municipality_id: int, word: str) -> list[str]:
    sql = """
        SELECT word FROM catalogue_searchword
        WHERE municipality_id = %s AND word %% %s AND abs(length(word) - %s) <= 2
        ORDER BY similarity(word, %s) DESC, word
        LIMIT 3
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, word, len(word), word])
        return [row[0] for row in cursor.fetchall() if row[0] != word]


def services_index_bulk(*, services: list[Service], batch_size: int = 1000) -> None:
    """Index many new services at once (demo data, benchmarks); they must have no entries yet."""
    entries: list[ServiceSearchEntry] = []
    words: set[tuple[int, str]] = set()
    for service in services:
        if not service.is_published:
            continue
        for language in LANGUAGES:
            terms = _entry_terms(service, language)
            if terms is None:
                continue
            entries.append(
                ServiceSearchEntry(
                    service=service,
                    municipality_id=service.municipality_id,
                    language=language,
                    name_terms=terms[0],
                    body_terms=terms[1],
                )
            )
            words.update((service.municipality_id, word) for word in _vocabulary(*terms))
    ServiceSearchEntry.objects.bulk_create(entries, batch_size=batch_size)
    SearchWord.objects.bulk_create(
        [SearchWord(municipality_id=municipality_id, word=word) for municipality_id, word in sorted(words)],
        batch_size=batch_size,
        ignore_conflicts=True,
    )
