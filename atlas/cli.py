"""The ``atlas`` command: ``atlas build``, ``atlas serve``, ``atlas import``, ``atlas level``…"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

from atlas.errors import AtlasError, report_error


def _build(args: argparse.Namespace) -> int:
    from atlas.build import build

    try:
        report = build(args.sources)
    except AtlasError as exc:
        return report_error(exc, "Die bisherigen Daten bleiben unverändert.")
    print(report.summary())
    _bundle()
    return 0


def _bundle() -> None:
    """The browser's partial plotly.js, once per plotly.js version (atlas.webbundle)."""
    from atlas.webbundle import built_bundle, ensure_plotly_bundle

    if not built_bundle():
        print("Baue das plotly.js-Teilpaket für den Browser (einmalig, npm) …")
        ensure_plotly_bundle()


def _serve(args: argparse.Namespace) -> int:
    from atlas.build import is_built

    if not is_built():
        print("Noch keine aufbereiteten Daten: baue sie zuerst …")
        if _build(args) != 0:
            return 2
    else:
        _bundle()
    from app import app  # unusable data or database: app.py exits with the German message
    from atlas.auth.accounts import ensure_first_admin
    from atlas.data import own_store

    ensure_first_admin(own_store())  # a fresh store: the account „admin“ (never a prompt)
    if not args.debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        from atlas.export import start_engine_in_background

        start_engine_in_background()  # not in the debug reloader's watcher: it serves nothing
    print(f"Sozialstrukturatlas Thüringen läuft auf http://{args.host}:{args.port}/")
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from atlas import importing
    from atlas.audit import cli_actor
    from atlas.data import data_changed, get_data, own_store

    try:
        data = get_data()
        own_level = args.level not in (None, "kreis", "gemeinde")
        if own_level:
            data.level_of(args.level)  # an unknown level: its German message, nothing read
        summary = importing.inspect(Path(args.file), verbatim_keys=own_level,
                                    key_column=args.key, name_column=args.name_column)
        codes = [s.code for s in summary.series]
        code = args.code or codes[0]
        if args.code is None and len(codes) > 1:
            listing = "\n".join(f"  {s.code}: {s.option_label}" for s in summary.series)
            print(f"Die Datei enthält {len(codes)} Reihen; bitte mit --code eine wählen:\n"
                  f"{listing}", file=sys.stderr)
            return 2
        check = importing.check_regions(summary, code, data, args.level if own_level else None)
        print(f"{summary.filename}: {summary.format}")
        print("\n".join(f"  {line}" for line in check.lines()))
        meta = importing.suggest(summary, code, data.catalogue)
        given = {"id": args.id, "title": args.title, "unit": args.unit, "kind": args.kind,
                 "decimals": args.decimals, "area": args.bereich, "polarity": args.lesart,
                 "source": args.quelle, "licence": args.lizenz, "definition": args.definition,
                 "life_phases": args.lebensphasen.split(",") if args.lebensphasen else None,
                 "visibility": args.sichtbarkeit}
        meta.update({k: v for k, v in given.items() if v is not None})
        own = importing.import_series(summary, code, meta, data, own_store(),
                                      args.level if own_level else None, actor=cli_actor(),
                                      replace_existing=args.ersetzen)
    except AtlasError as exc:
        return report_error(exc, "Es wurde nichts gespeichert.")
    data_changed()
    print(("Ersetzt (die bisherige Fassung liegt im Papierkorb): " if args.ersetzen else
           "Importiert: ") + importing.describe(own))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from atlas.audit import cli_actor
    from atlas.data import data_changed, own_store
    from atlas.store import TRASH_DAYS

    entry = own_store().delete(args.id, actor=cli_actor())  # an AtlasError: reported by main()
    data_changed()
    print(f"Gelöscht: {args.id} – im Papierkorb (Nr. {entry}) {TRASH_DAYS} Tage "
          f"wiederherstellbar: atlas restore {args.id}")
    return 0


def _visibility(args: argparse.Namespace) -> int:
    from atlas.audit import cli_actor
    from atlas.data import data_changed, own_store
    from atlas.visibility import label, parse_visibility

    key = parse_visibility(args.sichtbarkeit)  # an AtlasError: reported by main()
    kind = own_store().set_visibility(args.id, key, level=args.ebene, actor=cli_actor())
    data_changed()
    what = {"indicator": "Indikator", "formula": "Berechneter Indikator", "level": "Ebene"}[kind]
    print(f"{what} „{args.id}“ ist jetzt {label(key)}.")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from atlas.audit import AuditInputError, audit_table, parse_since
    from atlas.data import own_store

    if args.anzahl is not None and args.anzahl < 1:
        return report_error(AuditInputError(f"--anzahl muss eine ganze Zahl ab 1 sein, nicht "
                                            f"{args.anzahl}."))
    since = parse_since(args.seit) if args.seit else None
    print(audit_table(own_store().audit(since=since, limit=args.anzahl)))
    return 0


def _trash(args: argparse.Namespace) -> int:
    from atlas.audit import trash_table
    from atlas.data import own_store

    print(trash_table(own_store().trash()))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from atlas.audit import cli_actor
    from atlas.data import data_changed, own_store
    from atlas.store import OBJECT_KINDS

    if args.liste:
        return _trash(args)
    if not args.id:
        from atlas.store import StoreError

        return report_error(StoreError("Bitte die Kennung angeben: atlas restore KENNUNG "
                                       "(den Papierkorb zeigt „atlas papierkorb“)."))
    entry = own_store().restore(args.id, args.version, actor=cli_actor(),
                                replace_current=args.ersetzen or args.version is not None)
    data_changed()
    print(f"Wiederhergestellt: {OBJECT_KINDS.get(entry.object_kind, entry.object_kind)} "
          f"{entry.title} ({entry.object_id}), Papierkorb-Nr. {entry.id}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from atlas import importing
    from atlas.composite.define import describe
    from atlas.data import own_store

    store = own_store()
    lines = [importing.describe(o) for o in store.indicators()]
    lines += [f"berechnet: {describe(f)}" for f in store.formulas()]
    print("\n".join(lines) or "Keine eigenen Daten.")
    return 0


def _formula_common(args: argparse.Namespace) -> dict:
    return {"id": args.id, "title": args.title, "unit": args.unit or "",
            "decimals": -1 if args.decimals is None else args.decimals,
            "polarity": args.lesart or "", "area": args.bereich or "",
            "life_phases": tuple(p for p in (args.lebensphasen or "").split(",") if p),
            "note": args.definition or "", "visibility": args.sichtbarkeit}


def _save_formula(formula, replace_existing: bool) -> int:
    from atlas.audit import cli_actor
    from atlas.composite import define
    from atlas.data import data_changed, get_data, own_store

    try:
        stored = define.save(formula, get_data(), own_store(), replace_existing,
                             actor=cli_actor())
    except AtlasError as exc:
        return report_error(exc, "Es wurde nichts gespeichert.")
    data_changed()
    data = get_data()
    entry = data.indicator(stored.id)
    years = data.years(stored.id)
    print(f"Gespeichert: {define.describe(stored)}")
    if formula.visibility and stored.visibility != formula.visibility:
        print(f"  Sichtbarkeit: intern, weil ein Teil intern ist "
              f"({', '.join(define.internal_parts_of(stored, own_store()))})")
    print(f"  Einheit: {entry.unit_label}; Jahre: {years[0]}–{years[-1]}" if years else "")
    others = [i.id for i in data.catalogue.indicators if i.id.startswith(stored.id + "@")]
    if others:
        print(f"  auch auf gröberen Ebenen: {', '.join(others)}")
    return 0


def _derive(args: argparse.Namespace) -> int:
    from atlas.composite import formulas as fm

    if args.veraenderung:
        if args.numerator or args.denominator:
            return report_error(fm.FormulaProblem(
                "Entweder eine Quote (--numerator/--denominator) oder eine Veränderung "
                "(--veraenderung), nicht beides."))
        if args.von is None or args.bis is None:
            return report_error(fm.FormulaProblem("Eine Veränderung braucht --von und --bis."))
        params = fm.ChangeParams(args.veraenderung, args.von, args.bis, args.prozent)
        kind = "change"
    else:
        if not args.numerator or not args.denominator:
            return report_error(fm.FormulaProblem(
                "Eine Quote braucht Zähler (--numerator) und Nenner (--denominator); für eine "
                "Veränderung --veraenderung mit --von und --bis."))
        params = fm.RateParams(args.numerator, args.denominator, args.factor)
        kind = "rate"
    return _save_formula(fm.Formula(kind=kind, params=params, **_formula_common(args)),
                         args.ersetzen)


def _index(args: argparse.Namespace) -> int:
    from atlas.composite import formulas as fm

    try:
        params = fm.IndexParams(fm.parse_parts(args.parts), args.methode, args.jahr)
    except AtlasError as exc:
        return report_error(exc, "Es wurde nichts gespeichert.")
    return _save_formula(fm.Formula(kind="index", params=params, **_formula_common(args)),
                         args.ersetzen)


def add_visibility_argument(parser) -> None:
    """``--sichtbarkeit intern|oeffentlich`` (default intern) of every command that stores own
    data."""
    from atlas.visibility import VisibilityProblem, parse_visibility

    def visibility(text: str) -> str:
        if not text:  # the default: not given
            return ""
        try:
            return parse_visibility(text)
        except VisibilityProblem as problem:
            raise argparse.ArgumentTypeError(str(problem)) from None

    parser.add_argument("--sichtbarkeit", type=visibility, default="",
                        metavar="intern|oeffentlich",
                        help="wer die Daten sieht: intern (nur Redaktion und Admin; Standard "
                             "für Neues) oder oeffentlich (alle); beim Ersetzen bleibt sie, "
                             "wie sie war")


def _add_formula_parsers(sub) -> None:
    def common(parser) -> None:
        add_visibility_argument(parser)
        parser.add_argument("--id", required=True, help="Kennung, z. B. sozialindex")
        parser.add_argument("--title", required=True, help="Titel")
        parser.add_argument("--unit", help="Einheit (sonst aus den Teilen)")
        parser.add_argument("--decimals", type=int, help="Nachkommastellen")
        parser.add_argument("--lesart", choices=["risk", "protective", "neutral"],
                            help="Polarität (sonst aus den Teilen)")
        parser.add_argument("--bereich", help="Lebenslagenbereich (sonst aus den Teilen)")
        parser.add_argument("--lebensphasen", help="z. B. kindheit,jugend (sonst aus den Teilen)")
        parser.add_argument("--definition", help="eigene Anmerkung zur Definition")
        parser.add_argument("--ersetzen", action="store_true",
                            help="eine vorhandene Berechnung dieser Kennung ersetzen")

    p_derive = sub.add_parser("derive", help="Indikator berechnen: Quote aus zwei Anzahlen oder "
                                             "Veränderung zwischen zwei Jahren")
    p_derive.add_argument("--numerator", help="Zähler (Kennung einer Anzahl)")
    p_derive.add_argument("--denominator", help="Nenner (Kennung einer Anzahl derselben Ebene)")
    p_derive.add_argument("--factor", type=float, default=100.0,
                          help="Faktor: 100 = %%, 1000 = je 1.000 (Standard 100)")
    p_derive.add_argument("--veraenderung", help="Veränderung dieses Indikators (statt Quote)")
    p_derive.add_argument("--von", type=int, help="erstes Jahr der Veränderung")
    p_derive.add_argument("--bis", type=int, help="zweites Jahr der Veränderung")
    p_derive.add_argument("--prozent", action="store_true",
                          help="Veränderung in Prozent statt absolut")
    common(p_derive)
    p_derive.set_defaults(func=_derive)
    p_index = sub.add_parser("index", help="Sozialindex aus 2–15 Indikatoren einer Ebene bilden")
    p_index.add_argument("--parts", required=True,
                         help="Teile mit Gewicht, z. B. sgb2_quote:1,kinderarmut:1,-x:0.5 "
                              "(„-“ kehrt die Richtung um)")
    p_index.add_argument("--methode", choices=["z", "minmax"], default="z",
                         help="Standardisierung: z (Standard) oder minmax (0–100)")
    p_index.add_argument("--jahr", type=int,
                         help="Jahr (sonst das letzte, das alle Teile haben)")
    common(p_index)
    p_index.set_defaults(func=_index)


def _level_meta(args: argparse.Namespace, origin: str, filename: str, key: str = "",
                name: str = ""):
    from atlas.store import OwnLevel

    return OwnLevel(id=args.id, title=args.title, singular=args.einzahl, origin=origin,
                    gebietsstand=args.gebietsstand or "", source=args.quelle or "",
                    licence=args.lizenz or "", filename=filename, key_column=key,
                    name_column=name, min_count=args.min_anzahl, min_denominator=args.min_nenner,
                    visibility=args.sichtbarkeit)


def _store_areas(areas, level, path) -> int:
    from atlas.audit import cli_actor
    from atlas.data import data_changed, own_store
    from atlas.importing import file_sha256
    from atlas.levels.own import findings_lines, store_level

    print(f"{areas.filename}: {len(areas.areas)} Gebiete")
    print("\n".join(f"  {line}" for line in findings_lines(areas)))
    stored = store_level(areas, level, own_store(), actor=cli_actor(), sha256=file_sha256(path))
    data_changed()
    print(f"Ebene angelegt: {stored.title} ({stored.id}), {len(areas.areas)} Gebiete")
    return 0


def _level_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from atlas.data import get_data
    from atlas.levels.boundaries import read_boundaries
    from atlas.levels.own import reference_boundaries

    try:
        kreise, gemeinden = reference_boundaries(get_data())
        path = Path(args.file)
        areas = read_boundaries(path, args.key, args.name, filename=path.name, kreise=kreise,
                                gemeinden=gemeinden)
        return _store_areas(areas, _level_meta(args, "datei", path.name, args.key, args.name),
                            path)
    except AtlasError as exc:
        return report_error(exc, "Es wurde nichts gespeichert.")


def _level_group(args: argparse.Namespace) -> int:
    from pathlib import Path

    from atlas.data import get_data
    from atlas.levels.groups import read_groups
    from atlas.levels.own import reference_boundaries

    try:
        kreise, gemeinden = reference_boundaries(get_data())
        path = Path(args.table)
        areas = read_groups(path, gemeinden, filename=path.name, kreise=kreise)
        return _store_areas(areas, _level_meta(args, "gruppen", path.name, "ags", "name"), path)
    except AtlasError as exc:
        return report_error(exc, "Es wurde nichts gespeichert.")


def _level_list(args: argparse.Namespace) -> int:
    from atlas.data import get_data, own_store
    from atlas.visibility import label

    seen_by = {r.id: label(r.visibility) for r in own_store().levels()}
    for level in get_data().levels:
        if len(level):
            parent = f", liegt in: {level.parent}" if level.parent else ""
            kind = f"eigene Ebene, {seen_by.get(level.id, 'intern')}" if level.own else "eingebaut"
            print(f"{level.id}: {level.title} – {len(level)} Gebiete, Gebietsstand "
                  f"{level.gebietsstand or '–'}, Quelle: {level.source} ({kind}{parent})")
    return 0


def _level_delete(args: argparse.Namespace) -> int:
    from atlas.audit import cli_actor
    from atlas.data import data_changed, own_store
    from atlas.store import TRASH_DAYS

    gone = own_store().delete_level(args.id, with_data=args.mit_daten, actor=cli_actor())
    data_changed()
    print(f"Ebene gelöscht: {args.id}" + (f" (mit {len(gone)} Indikator(en): {', '.join(gone)})"
                                          if gone else "")
          + f" – im Papierkorb {TRASH_DAYS} Tage wiederherstellbar: atlas restore {args.id}")
    return 0


def _add_level_parsers(sub) -> None:
    p_level = sub.add_parser("level", help="Eigene Gebiete (Ebenen): anlegen, auflisten, löschen")
    levels = p_level.add_subparsers(dest="level_command", required=True)

    def common(parser) -> None:
        add_visibility_argument(parser)
        parser.add_argument("--id", required=True, help="Kennung, z. B. sozialraeume_jena")
        parser.add_argument("--title", required=True, help="Titel, z. B. „Sozialräume Jena“")
        parser.add_argument("--einzahl", default="Gebiet", help="ein Gebiet, z. B. Sozialraum")
        parser.add_argument("--gebietsstand", help="Gebietsstand, z. B. 01.01.2024")
        parser.add_argument("--quelle", help="Quelle der Grenzen")
        parser.add_argument("--lizenz", help="Lizenz der Grenzen")
        parser.add_argument("--min-anzahl", type=int, default=3,
                            help="Anzahlen darunter werden geschützt (Standard 3)")
        parser.add_argument("--min-nenner", type=int, default=50,
                            help="Quoten mit kleinerem Nenner werden nicht gezeigt (Standard 50)")

    p_add = levels.add_parser("add", help="Ebene aus einer Grenzdatei (GeoJSON, GeoPackage, "
                                          "Shapefile, auch als .zip)")
    p_add.add_argument("file", help="die Grenzdatei")
    p_add.add_argument("--key", required=True, help="Spalte mit dem Gebietsschlüssel")
    p_add.add_argument("--name", required=True, help="Spalte mit dem Gebietsnamen")
    common(p_add)
    p_add.set_defaults(func=_level_add)
    p_group = levels.add_parser("group", help="Ebene aus Gruppen von Gemeinden (Tabelle ags;name)")
    p_group.add_argument("table", help="CSV oder XLSX mit den Spalten ags;name")
    common(p_group)
    p_group.set_defaults(func=_level_group)
    p_list = levels.add_parser("list", help="Ebenen auflisten")
    p_list.set_defaults(func=_level_list)
    p_del = levels.add_parser("delete", help="Eigene Ebene löschen")
    p_del.add_argument("id")
    p_del.add_argument("--mit-daten", action="store_true",
                       help="auch die eigenen Indikatoren dieser Ebene löschen")
    p_del.set_defaults(func=_level_delete)


#: argparse's English messages about wrong arguments, in German (pattern → replacement).
_ARGPARSE_GERMAN = (
    (r"^unrecognized arguments: (.*)$", r"unbekannte Angabe(n): \1"),
    (r"^the following arguments are required: (.*)$", r"es fehlt: \1"),
    (r"^argument (\S+): invalid int value: (.*)$", r"\1 erwartet eine ganze Zahl, nicht \2"),
    (r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$",
     r"\1: \2 ist keine der möglichen Angaben (\3)"),
    (r"^argument (\S+): expected one argument$", r"\1 braucht einen Wert"),
    (r"^argument (\S+): (.*)$", r"\1: \2"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with its complaints about wrong arguments in German (exit status 2)."""

    def error(self, message: str):
        for pattern, german in _ARGPARSE_GERMAN:
            if re.match(pattern, message):
                message = re.sub(pattern, german, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"Fehler: {message}. Hilfe: {self.prog} --help\n")


def _read_password(prompt: str = "Passwort: ") -> str:
    """The new password: from a prompt (twice, not echoed) on a terminal, else the first line
    of stdin (for scripts). Never a command-line argument (visible in the process list)."""
    import getpass

    from atlas.auth.accounts import AccountError

    if sys.stdin.isatty():
        password = getpass.getpass(prompt)
        if getpass.getpass("Passwort wiederholen: ") != password:
            raise AccountError("Die beiden Passwörter stimmen nicht überein; nichts geändert.")
        return password
    return sys.stdin.readline().rstrip("\r\n")


def _user_add(args: argparse.Namespace) -> int:
    from atlas.audit import cli_actor
    from atlas.auth.accounts import add_user
    from atlas.data import own_store

    add_user(own_store(), args.name, args.role, _read_password(), replace_existing=args.ersetzen,
             actor=cli_actor())
    print(f"Konto „{args.name}“ ({args.role}) {'geändert' if args.ersetzen else 'angelegt'}.")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from atlas.data import own_store

    users = own_store().users()
    if not users:
        print("Noch keine Konten. „atlas serve“ legt beim ersten Start „admin“ an; weitere mit "
              "„atlas user add NAME --role redaktion“.")
    for user in users:
        last = user["last_login"][:16].replace("T", " ") or "nie"
        print(f"{user['name']}\t{user['role']}\tangelegt {user['created_at'][:10]}\t"
              f"zuletzt angemeldet: {last}")
    return 0


def _user_remove(args: argparse.Namespace) -> int:
    from atlas.audit import cli_actor
    from atlas.data import own_store

    own_store().remove_user(args.name, actor=cli_actor())
    print(f"Konto „{args.name}“ gelöscht.")
    return 0


def _add_user_parsers(sub) -> None:
    from atlas.auth import ACCOUNT_ROLES

    p_user = sub.add_parser("user", help="Konten der Seite verwalten (Rollen redaktion, admin)")
    user_sub = p_user.add_subparsers(dest="user_command", required=True)
    p_add = user_sub.add_parser("add", help="Konto anlegen (Passwort per Eingabe oder stdin)")
    p_add.add_argument("name", help="Kontoname, z. B. mueller")
    p_add.add_argument("--role", required=True, choices=ACCOUNT_ROLES, help="Rolle")
    p_add.add_argument("--ersetzen", action="store_true",
                       help="ein bestehendes Konto ändern (neue Rolle und neues Passwort)")
    p_add.set_defaults(func=_user_add)
    p_list = user_sub.add_parser("list", help="Konten auflisten")
    p_list.set_defaults(func=_user_list)
    p_remove = user_sub.add_parser("remove", help="Konto löschen")
    p_remove.add_argument("name")
    p_remove.set_defaults(func=_user_remove)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = _Parser(prog="atlas", description="Sozialstrukturatlas Thüringen")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="Daten aus dem Quellordner aufbereiten")
    p_build.add_argument("--sources", help="Quellordner (sonst $ATLAS_SOURCES, ./sources, "
                                           "../shared/sources)")
    p_build.set_defaults(func=_build)
    p_serve = sub.add_parser("serve", help="Atlas im Browser starten (baut Daten bei Bedarf)")
    p_serve.add_argument("--sources", help="Quellordner für den Bau, falls nötig")
    p_serve.add_argument("--host", default=os.environ.get("ATLAS_HOST", "127.0.0.1"))
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("ATLAS_PORT", "8050")))
    p_serve.add_argument("--debug", action="store_true", help="Dash-Debugmodus (nur Entwicklung)")
    p_serve.set_defaults(func=_serve)
    p_import = sub.add_parser("import", help="Eigene Datei als Indikator importieren (CSV, XLSX, "
                                             "INKAR-Export, GENESIS)")
    p_import.add_argument("file", help="die Datei")
    p_import.add_argument("--code", help="Reihe in der Datei (bei mehreren Reihen Pflicht)")
    p_import.add_argument("--id", help="Kennung, z. B. kita_plaetze")
    p_import.add_argument("--title", help="Titel")
    p_import.add_argument("--unit", help="Einheit, z. B. %%, Anzahl, Euro")
    p_import.add_argument("--kind", choices=["rate", "count"], help="Anteil/Quote oder Anzahl")
    p_import.add_argument("--decimals", type=int, help="Nachkommastellen (0–4)")
    p_import.add_argument("--bereich", help="Lebenslagenbereich (Kennung aus dem Katalog)")
    p_import.add_argument("--lebensphasen", help="z. B. kindheit,jugend")
    p_import.add_argument("--lesart", choices=["risk", "protective", "neutral"], help="Polarität")
    p_import.add_argument("--quelle", help="Quelle (Pflicht)")
    p_import.add_argument("--lizenz", help="Lizenz")
    p_import.add_argument("--definition", help="Definition")
    p_import.add_argument("--level", help="Ebene der Tabelle: Kennung einer eigenen Ebene (sonst "
                                          "Kreise/Gemeinden nach ihren Schlüsseln)")
    p_import.add_argument("--key", help="Spalte mit dem Gebietsschlüssel (breite Tabellen)")
    p_import.add_argument("--name-column", help="Spalte mit dem Gebietsnamen (breite Tabellen)")
    p_import.add_argument("--ersetzen", action="store_true",
                          help="einen eigenen Indikator dieser Kennung ersetzen (die bisherige "
                               "Fassung bleibt im Papierkorb wiederherstellbar)")
    p_import.set_defaults(func=_import)
    add_visibility_argument(p_import)
    p_vis = sub.add_parser("sichtbarkeit", help="Eigene Daten intern (nur Redaktion, Admin) oder "
                                                "öffentlich (alle) stellen")
    p_vis.add_argument("id", help="Kennung eines eigenen oder berechneten Indikators (mit "
                                  "--ebene: einer eigenen Ebene)")
    p_vis.add_argument("sichtbarkeit", help="intern oder oeffentlich")
    p_vis.add_argument("--ebene", action="store_true", help="die Kennung ist die einer Ebene")
    p_vis.set_defaults(func=_visibility)
    p_delete = sub.add_parser("delete", help="Eigenen oder berechneten Indikator löschen")
    p_delete.add_argument("id")
    p_delete.set_defaults(func=_delete)
    p_list = sub.add_parser("list", help="Eigene Indikatoren auflisten")
    p_list.set_defaults(func=_list)
    p_audit = sub.add_parser("audit", help="Protokoll: wer wann was geändert hat (neueste zuerst)")
    p_audit.add_argument("--seit", help="nur Einträge ab diesem Tag (TT.MM.JJJJ, UTC)")
    p_audit.add_argument("--anzahl", type=int, help="höchstens so viele Einträge")
    p_audit.set_defaults(func=_audit)
    p_trash = sub.add_parser("papierkorb", help="Papierkorb: gelöschte und ersetzte eigene Daten "
                                                "(30 Tage wiederherstellbar)")
    p_trash.set_defaults(func=_trash)
    p_restore = sub.add_parser("restore", help="Aus dem Papierkorb wiederherstellen")
    p_restore.add_argument("id", nargs="?", help="Kennung des Indikators, der Berechnung oder "
                                                 "der Ebene")
    p_restore.add_argument("--version", type=int,
                           help="Nr. des Eintrags im Papierkorb (atlas papierkorb), z. B. eine "
                                "ersetzte Fassung; die jetzige kommt dann in den Papierkorb")
    p_restore.add_argument("--ersetzen", action="store_true",
                           help="ist die Kennung wieder vergeben, die jetzige Fassung ersetzen "
                                "(sie kommt in den Papierkorb)")
    p_restore.add_argument("--liste", action="store_true", help="den Papierkorb zeigen")
    p_restore.set_defaults(func=_restore)
    _add_level_parsers(sub)
    _add_formula_parsers(sub)
    _add_user_parsers(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except AtlasError as exc:  # every command: the German message, exit status 2, no traceback
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
