#!/usr/bin/env python3
"""Catalogue search on PostgreSQL with 10,000 generated services (run by ``scripts/bench.py``).

Runs in the environment of the benchmark's throwaway database (``DJANGO_SETTINGS_MODULE``,
``DATABASE_URL`` and the rest from the environment, as for ``manage.py``):

1. creates the municipality "Benchstadt" and 10,000 services with generated German names, teasers,
   short and full texts, prerequisites, documents, procedures and search terms (deterministic for
   one ``--seed``), with ``Service.objects.bulk_create``, then indexes them with
   ``search.services_index_bulk`` and runs ``VACUUM ANALYZE`` on the search tables, as autovacuum
   would after such an import;
2. runs ``--warmup`` queries, then times ``--queries`` calls of ``search.service_ids_matching``
   (language "de") with ``time.perf_counter``: single words, two words, prefixes ("Geneh"), other
   word forms ("anmelden" for "Anmeldung"), search terms ("Perso"), typos (about 10 %, answered
   through the trigram fallback) and words that are not in the catalogue;
3. prints the plans (``EXPLAIN ANALYZE``) of a typical query and a typo query to stderr;
4. prints one line of JSON to stdout: timings, index build time, whether the GIN indexes were used,
   and the slug and name of Esslingen's first published service (the benchmark's detail page).

Refuses to run on SQLite or on a database whose name does not start with ``rathaus_bench_``
(unless ``--any-database``): it adds 10,000 services and leaves them there.
"""

import argparse
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from bench_common import log as _log
from bench_common import nearest_rank as _percentile
from bench_common import require_bench_database, run_in_django

BASE_DIR = Path(__file__).resolve().parent.parent

MUNICIPALITY = {
    "slug": "benchstadt",
    "name": "Große Kreisstadt Benchstadt",
    "short_name": "Benchstadt",
    # Regierungsbezirk 9 does not exist in Baden-Württemberg: these keys never belong to a real town.
    "ags": "08999099",
    "ars": "089990000099",
    "reference_prefix": "BE",
    "accent_colour": "#004B87",
    "street": "Marktplatz 1",
    "postal_code": "73999",
    "city": "Benchstadt",
    "phone": "+49 7000 9999-0",
    "email": "rathaus@benchstadt.example.org",
    "represented_by": "Oberbürgermeisterin Beispiel",
    "data_protection_officer": "Datenschutzbeauftragte, Marktplatz 1, 73999 Benchstadt",
    "data_protection_email": "datenschutz@benchstadt.example.org",
    "accessibility_contact_email": "barrierefreiheit@benchstadt.example.org",
}

# What is done (noun as in service names, verb as people type it).
ACTIONS = [
    ("Antrag", "beantragen"),
    ("Anmeldung", "anmelden"),
    ("Abmeldung", "abmelden"),
    ("Ummeldung", "ummelden"),
    ("Genehmigung", "genehmigen lassen"),
    ("Bescheinigung", "bescheinigen lassen"),
    ("Erlaubnis", "erlauben lassen"),
    ("Verlängerung", "verlängern"),
    ("Befreiung", "befreien lassen"),
    ("Erstattung", "erstatten lassen"),
    ("Änderung", "ändern"),
    ("Beglaubigung", "beglaubigen lassen"),
    ("Zulassung", "zulassen"),
    ("Eintragung", "eintragen lassen"),
    ("Löschung", "löschen lassen"),
    ("Registrierung", "registrieren"),
    ("Ausstellung", "ausstellen lassen"),
    ("Förderung", "fördern lassen"),
    ("Auskunft", "erfragen"),
    ("Ersatz", "ersetzen lassen"),
    ("Prüfung", "prüfen lassen"),
    ("Widerspruch", "widersprechen"),
    ("Kündigung", "kündigen"),
    ("Reservierung", "reservieren"),
    ("Ermäßigung", "ermäßigen lassen"),
]
# What it is about, with the search terms people use for it.
SUBJECTS = {
    "Hund": ["Hundesteuer", "Hundemarke"],
    "Gewerbe": ["Firma", "Selbstständigkeit", "Betrieb"],
    "Wohnsitz": ["Meldeadresse", "Umzug", "Wohnung"],
    "Parkausweis": ["Anwohnerparken", "Parkberechtigung"],
    "Sondernutzung": ["Straßennutzung", "Gehweg"],
    "Personalausweis": ["Perso", "Ausweis", "Ausweisdokument"],
    "Reisepass": ["Pass", "Kinderreisepass"],
    "Führerschein": ["Fahrerlaubnis"],
    "Fahrzeug": ["Auto", "Kfz", "Kennzeichen"],
    "Geburt": ["Geburtsurkunde", "Baby"],
    "Eheschließung": ["Heirat", "Hochzeit", "Trauung"],
    "Sterbefall": ["Sterbeurkunde", "Bestattung"],
    "Kindertagesstätte": ["Kita", "Kindergarten", "Betreuungsplatz"],
    "Grundschule": ["Einschulung", "Schulanmeldung"],
    "Sperrmüll": ["Sperrgut", "Entrümpelung"],
    "Abfall": ["Müll", "Mülltonne", "Biotonne"],
    "Baum": ["Baumfällung", "Baumschutz"],
    "Grundstück": ["Flurstück", "Liegenschaft"],
    "Bauvorhaben": ["Baugenehmigung", "Bauantrag", "Hausbau"],
    "Veranstaltung": ["Straßenfest", "Fest"],
    "Feuerwerk": ["Silvester", "Pyrotechnik"],
    "Gaststätte": ["Restaurant", "Schankerlaubnis"],
    "Plakat": ["Werbung", "Wahlplakat"],
    "Lärm": ["Ruhestörung", "Lärmschutz"],
    "Fundsache": ["Fundbüro", "verloren"],
    "Wohngeld": ["Mietzuschuss"],
    "Elterngeld": ["Elternzeit"],
    "Grundsteuer": ["Steuerbescheid"],
    "Führungszeugnis": ["Polizeiliches Führungszeugnis"],
    "Meldebescheinigung": ["Meldebestätigung"],
    "Einbürgerung": ["Staatsangehörigkeit"],
    "Aufenthaltstitel": ["Aufenthaltserlaubnis", "Visum"],
    "Waffenschein": ["Waffenbesitzkarte"],
    "Fischereischein": ["Angelschein"],
    "Jagdschein": ["Jagd"],
    "Marktstand": ["Wochenmarkt"],
    "Taxikonzession": ["Taxi", "Mietwagen"],
    "Denkmal": ["Denkmalschutz"],
    "Grabstätte": ["Friedhof", "Grab"],
    "Zweitwohnung": ["Zweitwohnsitz", "Zweitwohnungsteuer"],
    "Verein": ["Vereinsregister"],
    "Schwerbehindertenausweis": ["Behinderung", "Nachteilsausgleich"],
    "Briefwahl": ["Wahlschein"],
    "Hausnummer": ["Adresse"],
    "Kanalanschluss": ["Abwasser", "Kanal"],
    "Wasseranschluss": ["Trinkwasser"],
    "Sporthalle": ["Turnhalle", "Hallenzeit"],
    "Büchereiausweis": ["Bücherei", "Stadtbibliothek"],
    "Baulast": ["Baulastenverzeichnis"],
    "Winterdienst": ["Räumpflicht", "Streupflicht"],
    "Ferienbetreuung": ["Ferien"],
    "Schülerbeförderung": ["Schulweg", "Busfahrkarte"],
    "Halteverbot": ["Umzugswagen", "Halteverbotszone"],
    "Straßensperrung": ["Verkehrsbeschränkung", "Baustelle"],
}
QUALIFIERS = [
    "",
    "für Privatpersonen",
    "für Unternehmen",
    "für Vereine",
    "im Stadtgebiet",
    "in der Innenstadt",
    "für Anwohnerinnen und Anwohner",
    "für Studierende",
    "bei Umzug",
    "aus dem Ausland",
    "für Minderjährige",
    "für Gewerbetreibende",
    "im Eilverfahren",
    "für Seniorinnen und Senioren",
    "für Menschen mit Behinderung",
    "in den Ortsteilen",
    "in Neubaugebieten",
    "auf öffentlichen Flächen",
    "für landwirtschaftliche Betriebe",
    "für Ehrenamtliche",
]
OFFICES = [
    "Bürgerbüro",
    "Ordnungsamt",
    "Standesamt",
    "Baurechtsamt",
    "Amt für Soziales",
    "Stadtkasse",
    "Tiefbauamt",
    "Grünflächenamt",
    "Ausländerbehörde",
    "Straßenverkehrsbehörde",
    "Kämmerei",
    "Amt für Bildung und Betreuung",
]
DOCUMENTS = [
    "gültiger Personalausweis oder Reisepass",
    "ausgefülltes Antragsformular",
    "aktuelles biometrisches Lichtbild",
    "Nachweis über den Wohnsitz",
    "Vollmacht, wenn Sie jemanden beauftragen",
    "Lageplan des Grundstücks",
    "Auszug aus dem Handelsregister",
    "Einkommensnachweise der letzten drei Monate",
    "Mietvertrag oder Wohnungsgeberbestätigung",
    "Geburtsurkunde",
    "ärztliches Attest",
    "Nachweis der Haftpflichtversicherung",
    "bisheriger Bescheid",
]
SENTENCES = [
    "Für die {action} ist das {office} zuständig.",
    "Sie können {subject} {verb}, wenn Sie in Benchstadt wohnen oder dort tätig sind.",
    "Die {action} gilt in der Regel für {years} Jahre und kann danach erneut beantragt werden.",
    "Bitte stellen Sie den Antrag mindestens {weeks} Wochen vorher, damit wir ihn rechtzeitig bearbeiten können.",
    "Das {office} prüft Ihre Angaben und meldet sich, wenn Unterlagen fehlen.",
    "Die Gebühr beträgt {fee} Euro und richtet sich nach der Gebührensatzung der Stadt.",
    "Wenn sich Ihre Angaben zu {subject} ändern, teilen Sie uns das bitte schriftlich mit.",
    "Einen Termin im {office} können Sie online, telefonisch oder vor Ort vereinbaren.",
    "Haben Sie Fragen zu {other}? Das {office} berät Sie gern.",
    "Sie erhalten einen schriftlichen Bescheid, gegen den Sie innerhalb eines Monats Widerspruch einlegen können.",
    "Ohne gültige {action} dürfen Sie nicht beginnen; Verstöße können mit einem Bußgeld geahndet werden.",
    "Für {other} gelten eigene Regeln, die Sie auf der entsprechenden Seite finden.",
    "Die Bearbeitung dauert in der Regel {days} Arbeitstage, in Einzelfällen auch länger.",
    "In dringenden Fällen ist eine {action} im Eilverfahren gegen eine zusätzliche Gebühr möglich.",
    "Minderjährige brauchen die Zustimmung der Sorgeberechtigten.",
    "Die Entscheidung trifft das {office} nach pflichtgemäßem Ermessen.",
    "Bewahren Sie den Bescheid gut auf; Sie brauchen ihn für spätere Änderungen.",
    "Die Stadt Benchstadt kann die {action} mit Auflagen verbinden, zum Beispiel zu Zeiten oder Flächen.",
]
# Parts of the long tail of specialist words ("Bienenhaltungsnachweis"): real catalogues have thousands.
COMPOUND_HEADS = (  # split by compounds()
    "Bau Verkehrs Wasser Schul Kinder Jugend Senioren Garten Wald Feld Energie Solar Wärme Brand Kataster "
    "Vermessungs Bienen Pferde Tier Lebensmittel Miet Pacht Stiftungs Sozial Integrations Sprach Musik Sport "
    "Kultur Heimat Umwelt Natur Klima Boden Gesundheits Pflege Hygiene Impf Reise Gewässer Hochwasser Lade "
    "Fahrrad Bus Schiene Rad Fußgänger Spielplatz Kleingarten Obst Wein Markt Messe Zirkus Kirchen Archiv "
    "Museums Volkshochschul Ehrenamts Familien Frauen Gleichstellungs Wahl Bürgerbeteiligungs Haushalts "
    "Vergabe Personal Ausbildungs Praktikums Quartiers Sanierungs Stadtentwicklungs Flächennutzungs Bebauungs "
    "Wohnungsbau"
)
COMPOUND_TAILS = (  # split by compounds()
    "amt ordnung plan schutz recht beitrag abgabe zuschuss nachweis register prüfung kontrolle beratung "
    "förderung bescheid satzung konzept stelle verfahren pflicht erlaubnis gebühr vertrag verzeichnis karte "
    "zentrum fläche anlage richtlinie beirat kommission programm statistik bericht versicherung kasse"
)
LONG_TAIL_SENTENCES = [
    "Weitere Auskünfte zu {0}, {1} und {2} erhalten Sie beim {office}.",
    "Beachten Sie auch die Regeln zu {0} und {1}.",
    "Im Zusammenhang mit {0} kann zusätzlich {1} oder {2} nötig sein.",
]
# Words people look for that no service mentions: the search must answer them quickly with nothing.
UNKNOWN_WORDS = ["Schwimmbad", "Tierheim", "Fahrradverleih", "Stadtwerke", "Hafen", "Sternwarte", "Minigolf", "Zoo"]
# Queries whose plans are shown: a typical one, a typo and a word that most texts contain.
TYPICAL_QUERY = "Gewerbe anmelden"
TYPO_QUERY = "Genehmigugn"
BROAD_QUERY = "Antrag"
QUERY_MIX = [
    ("word", 25),
    ("two words", 20),
    ("prefix", 15),
    ("word form", 12),
    ("search term", 13),
    ("typo", 10),
    ("not in catalogue", 5),
]


def _paragraphs(rng: random.Random, slots: dict[str, str], count: int) -> list[str]:
    sentences = []
    for template in rng.sample(SENTENCES, count):
        sentences.append(
            template.format(
                **slots,
                other=rng.choice(list(SUBJECTS)),
                office=rng.choice(OFFICES),
                years=rng.choice([1, 2, 3, 5, 10]),
                weeks=rng.choice([2, 3, 4, 6, 8]),
                days=rng.choice([3, 5, 10, 14, 20]),
                fee=rng.choice(["12,00", "25,50", "30,00", "45,00", "60,00", "150,00"]),
            )
        )
    return sentences


def compounds() -> list[str]:
    return [f"{head}{tail}" for head in COMPOUND_HEADS.split() for tail in COMPOUND_TAILS.split()]


def generate_services(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` services with distinct names and slugs, the same ones for the same seed."""
    from django.utils.text import slugify

    rng = random.Random(seed)
    services: list[dict[str, Any]] = []
    names: set[str] = set()
    subjects = list(SUBJECTS)
    long_tail = compounds()
    while len(services) < count:
        action, verb = rng.choice(ACTIONS)
        subject = rng.choice(subjects)
        qualifier = rng.choice(QUALIFIERS)
        pattern = rng.randrange(3)
        if pattern == 0:
            base = f"{subject} {verb}"
        elif pattern == 1:
            base = f"{action} für {subject}"
        else:
            base = f"{subject}: {action}"
        name = f"{base} {qualifier}".strip()
        if name in names:
            continue
        names.add(name)
        slots = {"subject": subject, "action": action, "verb": verb}
        full = _paragraphs(rng, slots, rng.randint(4, 8))
        for template in rng.sample(LONG_TAIL_SENTENCES, rng.randint(1, 2)):
            full.insert(
                rng.randrange(len(full) + 1), template.format(*rng.sample(long_tail, 3), office=rng.choice(OFFICES))
            )
        middle = len(full) // 2
        documents = rng.sample(DOCUMENTS, rng.randint(2, 4))
        services.append(
            {
                "slug": f"{slugify(name)[:100]}-{len(services) + 1}",
                "name": name,
                "teaser": (
                    f"Hier erfahren Sie, wie Sie {subject} {verb} und welche Unterlagen Sie für die {action} brauchen."
                ),
                "short_text": " ".join(_paragraphs(rng, slots, 2)),
                "full_text": f"<p>{' '.join(full[:middle])}</p><p>{' '.join(full[middle:])}</p>",
                "prerequisites": " ".join(_paragraphs(rng, slots, rng.randint(1, 2))),
                "required_documents": "<ul>" + "".join(f"<li>{item}</li>" for item in documents) + "</ul>",
                "procedure": " ".join(_paragraphs(rng, slots, rng.randint(2, 3))),
                "synonyms": "\n".join(rng.sample(SUBJECTS[subject], rng.randint(1, len(SUBJECTS[subject])))),
                "appointment_available": rng.random() < 0.4,
                "written_form_required": rng.random() < 0.2,
            }
        )
    return services


def _typo(rng: random.Random, word: str) -> str:
    """One edit inside ``word`` (not at its ends, so that it does not just become a prefix)."""
    position = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(4)
    if kind == 0:  # two neighbours swapped
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == 1:  # a letter left out
        return word[:position] + word[position + 1 :]
    if kind == 2:  # a letter doubled
        return word[:position] + word[position] + word[position:]
    replacement = rng.choice([letter for letter in "aeinrstlmgh" if letter != word[position]])
    return word[:position] + replacement + word[position + 1 :]


def generate_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (kind, query) pairs in the proportions of QUERY_MIX, shuffled."""
    rng = random.Random(seed)
    subjects = list(SUBJECTS)
    action_nouns = [noun for noun, _verb in ACTIONS]
    terms = sorted({term for values in SUBJECTS.values() for term in values})
    long_tail = compounds()
    long_words = [word for word in subjects + action_nouns if len(word) >= 6]
    total_weight = sum(weight for _kind, weight in QUERY_MIX)

    def one(kind: str) -> str:
        if kind == "word":
            # Mostly the common words of service names, sometimes a specialist word of the long tail.
            return rng.choice(long_tail) if rng.random() < 0.2 else rng.choice(subjects + action_nouns)
        if kind == "two words":
            return f"{rng.choice(subjects)} {rng.choice(action_nouns)}"
        if kind == "prefix":
            word = rng.choice(long_words)
            return word[: rng.randint(4, min(6, len(word) - 1))]
        if kind == "word form":
            # The verb for the noun in the name ("anmelden" for "Anmeldung") or the plural ("Anmeldungen").
            action, verb = rng.choice(ACTIONS)
            plural = f"{action}en" if action.endswith("ung") else verb.split()[0]
            return rng.choice([verb.split()[0], plural])
        if kind == "search term":
            return rng.choice(terms)
        if kind == "typo":
            return _typo(rng, rng.choice(long_tail) if rng.random() < 0.2 else rng.choice(long_words))
        return rng.choice(UNKNOWN_WORDS)

    queries = []
    for kind, weight in QUERY_MIX:
        queries += [(kind, one(kind)) for _ in range(round(count * weight / total_weight))]
    while len(queries) < count:
        queries.append(("word", one("word")))
    rng.shuffle(queries)
    return queries[:count]


@contextmanager
def _capture_sql() -> Iterator[list[tuple[str, Any]]]:
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield statements


_ENTRY_ACCESS = re.compile(
    r"((?:Parallel )?(?:Seq Scan|Bitmap Heap Scan|Index Scan|Index Only Scan)) on catalogue_servicesearchentry"
    r".*\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)\)"
)
_EXECUTION_TIME = re.compile(r"^Execution Time: ([\d.]+) ms")


def _explain(label: str, run: Callable[[], object], index_name: str) -> tuple[bool, list[str]]:
    """EXPLAIN ANALYZE the statements ``run`` executes.

    Returns whether a plan uses ``index_name`` and, per statement on the search entries, how they
    were read ("Seq Scan, 5,481 rows, 24.1 ms").
    """
    from django.db import connection, transaction

    with _capture_sql() as statements:
        run()
    used = False
    accesses = []
    for sql, params in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue  # e.g. SET LOCAL: replayed below in the same transaction as the query
        settings_sql = [statement for statement, _params in statements if statement.lstrip().upper().startswith("SET")]
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in settings_sql:
                cursor.execute(setting)
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        used = used or any(index_name in line for line in plan)
        access = next((found for line in plan if (found := _ENTRY_ACCESS.search(line))), None)
        duration = next((found for line in plan if (found := _EXECUTION_TIME.search(line))), None)
        if access and duration:
            rows = int(access.group(2)) * int(access.group(3))
            accesses.append(f"{access.group(1)}, {rows:,} rows, {float(duration.group(1)):.1f} ms")
        _log(f"-- {label}: {' '.join(sql.split())[:160]} {params}")
        _log("\n".join(plan[:14]))
    return used, accesses


def _summary(timings: list[float], found: list[bool]) -> dict[str, Any]:
    return {
        "count": len(timings),
        "p50_ms": round(_percentile(timings, 50), 3),
        "p95_ms": round(_percentile(timings, 95), 3),
        "p99_ms": round(_percentile(timings, 99), 3),
        "max_ms": round(max(timings), 3),
        "share_with_results": round(sum(found) / len(found), 4),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction

    from rathaus.catalogue import search
    from rathaus.catalogue.models import SearchWord, Service, ServiceSearchEntry
    from rathaus.municipalities.models import Municipality

    require_bench_database("bench_search", any_database=args.any_database, leaves_behind="10,000 generated services")
    if Municipality.objects.filter(slug=MUNICIPALITY["slug"]).exists():
        raise SystemExit(f"bench_search: municipality {MUNICIPALITY['slug']!r} exists already; use a fresh database")

    started = time.perf_counter()
    generated = generate_services(args.services, args.seed)
    generate_seconds = time.perf_counter() - started
    _log(f"generated {len(generated):,} services in {generate_seconds:.1f} s")

    with transaction.atomic():
        municipality = Municipality.objects.create(**MUNICIPALITY, accessibility_statement_date=date.today())
        started = time.perf_counter()
        services = Service.objects.bulk_create(
            [Service(municipality=municipality, **values) for values in generated], batch_size=1000
        )
        create_seconds = time.perf_counter() - started
        if any(service.pk is None for service in services):
            raise SystemExit("bench_search: bulk_create returned services without primary keys")
        started = time.perf_counter()
        search.services_index_bulk(services=services)
        index_seconds = time.perf_counter() - started
    _log(f"created in {create_seconds:.1f} s, indexed in {index_seconds:.1f} s")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (ServiceSearchEntry._meta.db_table, SearchWord._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {table}")
    vacuum_seconds = time.perf_counter() - started
    entries = ServiceSearchEntry.objects.filter(municipality=municipality).count()
    words = SearchWord.objects.filter(municipality=municipality).count()
    _log(f"VACUUM ANALYZE in {vacuum_seconds:.1f} s; {entries:,} search entries, {words:,} words in the vocabulary")

    queries = generate_queries(args.queries + args.warmup, args.seed + 1)
    for _kind, query in queries[: args.warmup]:
        search.service_ids_matching(municipality=municipality, query=query, language="de")
    timings: dict[str, list[float]] = {kind: [] for kind, _weight in QUERY_MIX}
    found: dict[str, list[bool]] = {kind: [] for kind, _weight in QUERY_MIX}
    corrected = 0
    for kind, query in queries[args.warmup :]:
        before = time.perf_counter()
        result = search.service_ids_matching(municipality=municipality, query=query, language="de")
        timings[kind].append((time.perf_counter() - before) * 1000)
        found[kind].append(bool(result.service_ids))
        if kind == "typo" and result.spelling_corrected and result.service_ids:
            corrected += 1
    all_timings = [value for values in timings.values() for value in values]
    all_found = [value for values in found.values() for value in values]
    overall = _summary(all_timings, all_found)
    by_kind = {kind: _summary(timings[kind], found[kind]) for kind, _weight in QUERY_MIX if timings[kind]}
    _log(f"{overall['count']:,} queries: p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms")

    def explain(query: str, index_name: str) -> tuple[bool, list[str]]:
        return _explain(
            repr(query),
            lambda: search.service_ids_matching(municipality=municipality, query=query, language="de"),
            index_name,
        )

    gin_used, typical_plan = explain(TYPICAL_QUERY, "catalogue_search_name")
    trigram_used, typo_plan = explain(TYPO_QUERY, "catalogue_search_word_trgm")
    _broad_gin_used, broad_plan = explain(BROAD_QUERY, "catalogue_search_name")

    detail = (
        Service.objects.filter(municipality__slug="esslingen", is_published=True)
        .order_by("slug")
        .values("slug", "name")
        .first()
    )
    return {
        "services": len(services),
        "search_entries": entries,
        "vocabulary_words": words,
        "generate_seconds": round(generate_seconds, 2),
        "create_seconds": round(create_seconds, 2),
        "index_seconds": round(index_seconds, 2),
        "vacuum_seconds": round(vacuum_seconds, 2),
        "warmup": args.warmup,
        "seed": args.seed,
        **overall,
        "kinds": by_kind,
        "typo_corrected": corrected,
        "gin_index_used": gin_used,
        "trigram_index_used": trigram_used,
        "plans": {
            "typical": {"query": TYPICAL_QUERY, "entries": typical_plan},
            "typo": {"query": TYPO_QUERY, "entries": typo_plan},
            "broad": {"query": BROAD_QUERY, "entries": broad_plan},
        },
        "esslingen_service": detail,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--services", type=int, default=10_000, help="services to generate (default 10,000)")
    parser.add_argument("--queries", type=int, default=2_000, help="queries to time (default 2,000)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed queries first (default 50)")
    parser.add_argument("--seed", type=int, default=20261124, help="seed of the generated services and queries")
    parser.add_argument("--any-database", action="store_true", help="also run on a database not named rathaus_bench_…")
    args = parser.parse_args(argv)
    if args.services < 1 or args.queries < 100 or args.warmup < 0:
        parser.error("--services must be at least 1, --queries at least 100, --warmup not negative")
    return run_in_django(parser, args, run)


if __name__ == "__main__":
    sys.exit(main())
