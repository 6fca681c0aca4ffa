"""Bring the database to the newest schema: `python -m webapp.migrate [--database-url URL]`.

scripts/run.sh runs it before it serves; see webapp/database.py.
"""

import argparse
import sys

from sqlalchemy.engine import make_url

from webapp.database import database_url, upgrade


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=None, help="default: $INKLING_DATABASE_URL or instance/inkling.sqlite3"
    )
    args = parser.parse_args(argv)
    upgrade(args.database_url)
    shown = make_url(database_url(args.database_url)).render_as_string(hide_password=True)
    print(f"database: {shown} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
