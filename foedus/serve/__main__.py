"""``python -m foedus.serve TREATIES TIMELINES [--host H] [--port P] [--scenarios DIR]``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from foedus.errors import FoedusError
from foedus.serve.app import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m foedus.serve",
                                     description="A local web app to look at treaties on any date.")
    parser.add_argument("treaties", type=Path, nargs="?", default=Path("treaties"), help="folder of treaty files")
    parser.add_argument("timelines", type=Path, nargs="?", default=Path("timelines"), help="folder of timelines")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--scenarios", type=Path, default=None,
                        help="folder where what-if scenarios may be saved (without it, saving is off)")
    args = parser.parse_args(argv)
    try:
        serve(args.treaties, args.timelines, host=args.host, port=args.port, scenarios_dir=args.scenarios)
    except FoedusError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
