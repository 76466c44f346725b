"""Entry point for `python -m statementpress`."""

from statementpress.cli import main

if __name__ == "__main__":
    main()
