"""Build the site: `python build.py` is the same program as `wijknieuws`."""
from wijknieuws.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
