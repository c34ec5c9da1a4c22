"""The ``atlas`` command: ``atlas build``, ``atlas serve``."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from atlas.errors import AtlasError


def _build(args: argparse.Namespace) -> int:
    from atlas.build import build

    try:
        report = build(args.sources)
    except AtlasError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        print("Die bisherigen Daten bleiben unverändert.", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _serve(args: argparse.Namespace) -> int:
    from atlas.build import is_built

    if not is_built():
        print("Noch keine aufbereiteten Daten: baue sie zuerst …")
        if _build(args) != 0:
            return 2
    from app import app

    print(f"Sozialstrukturatlas Thüringen läuft auf http://{args.host}:{args.port}/")
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="atlas", description="Sozialstrukturatlas Thüringen")
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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
