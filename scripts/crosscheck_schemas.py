#!/usr/bin/env python3
"""Second, independent validator for the catalog: Python's `jsonschema` package.

Checks every schema against the draft 2020-12 meta-schema and validates every golden example
(or every JSON file named on the command line with --instance VENDOR FILE) against the schema
of the event it carries, dispatching on the envelope exactly as vendor.json describes it.

Prints one line per instance: `<verdict>\t<file>` with verdict `valid` or `invalid`, followed by
the failing JSON pointers. The Rust test compares these verdicts with `cargo xtask check`'s.
Exit status: 0 when every schema is well-formed (instances may be invalid), 2 on setup errors,
among them a `format` the schemas use that jsonschema cannot check here (its package missing).
"""
import argparse
import json
import pathlib
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as err:  # scripts/ensure-python-deps.sh installs these
    print(f"crosscheck: missing Python package: {err.name}; run scripts/ensure-python-deps.sh", file=sys.stderr)
    sys.exit(2)

ID_BASE = "https://hookcert.dev/schemas/"


# The package that lets jsonschema check each format the catalog may use: jsonschema checks
# `date-time` only when rfc3339-validator is importable and `uri` only with rfc3986-validator,
# and silently passes a format it cannot check.
FORMAT_PACKAGES = {
    "date-time": "rfc3339-validator",
    "uri": "rfc3986-validator",
    "email": "jsonschema",
    "uuid": "jsonschema",
}


def formats_used(node):
    """Every `format` a schema uses (x-observed ones aside: jsonschema ignores `x-` keywords)."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "format" and isinstance(value, str):
                found.add(value)
            elif key != "x-observed":
                found |= formats_used(value)
    elif isinstance(node, list):
        for value in node:
            found |= formats_used(value)
    return found


def require_format_checks(formats):
    """Refuse to run a cross-check that would silently skip a format the schemas use."""
    checkable = Draft202012Validator.FORMAT_CHECKER.checkers
    for name in sorted(formats):
        if name not in checkable:
            package = FORMAT_PACKAGES.get(name, "jsonschema[format-nongpl]")
            print(f"crosscheck: cannot check format {name!r}: install the Python package {package} (scripts/ensure-python-deps.sh)", file=sys.stderr)
            sys.exit(2)


def format_checker():
    return Draft202012Validator.FORMAT_CHECKER


def pointer_get(doc, pointer):
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return None
    return doc


def load_catalog(root):
    registry = Registry()
    vendors = {}
    problems = []
    formats = set()
    for vendor_dir in sorted(p for p in root.iterdir() if (p / "vendor.json").is_file()):
        profile = json.loads((vendor_dir / "vendor.json").read_text())
        vendors[profile["id"]] = (vendor_dir, profile)
        for path in sorted(vendor_dir.rglob("*.schema.json")):
            schema = json.loads(path.read_text())
            formats |= formats_used(schema)
            try:
                Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as err:
                problems.append(f"{path}: not a valid 2020-12 schema at /{'/'.join(map(str, err.path))}: {err.message}")
            expected_id = ID_BASE + path.relative_to(root).as_posix()
            if schema.get("$id") != expected_id:
                problems.append(f"{path}: $id is {schema.get('$id')!r}, expected {expected_id!r}")
            registry = registry.with_resource(expected_id, Resource.from_contents(schema, default_specification=DRAFT202012))
    require_format_checks(formats)
    return registry, vendors, problems


def type_at(doc, pointer):
    """The event type at pointer, or None when absent or not a string (the envelope says why)."""
    found = pointer_get(doc, pointer)
    return found if isinstance(found, str) else None


def events_of(profile, body):
    """(event type, body to validate) for each event the request body carries."""
    env = profile["envelope"]
    if env["kind"] == "batch":
        items = pointer_get(body, env["events_pointer"])
        if not isinstance(items, list):
            return [(None, body)]
        out = []
        for item in items:
            single = dict(body)
            single[env["events_pointer"].lstrip("/")] = [item]
            out.append((type_at(item, env["type_pointer"]), single))
        return out
    if "type_pointer" in env:
        return [(type_at(body, env["type_pointer"]), body)]
    return [(env["fixed_type"], body)]


_VALIDATORS = {}


def validator_for(registry, schema_id):
    if schema_id not in _VALIDATORS:
        schema = registry.contents(schema_id)
        _VALIDATORS[schema_id] = Draft202012Validator(schema, registry=registry, format_checker=format_checker())
    return _VALIDATORS[schema_id]


def check_instance(registry, vendors, vendor, path):
    vendor_dir, profile = vendors[vendor]
    try:
        body = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as err:
        return [f"/ not JSON: {err}"]
    errors = []
    envelope_id = ID_BASE + f"{vendor}/envelope.schema.json"
    for event_type, single in [(None, body)] + events_of(profile, body):
        if event_type is None:
            schema_id = envelope_id
        elif event_type in profile["events"]:
            schema_id = ID_BASE + f"{vendor}/events/{event_type}.schema.json"
        else:
            errors.append(f"/ unknown event type {event_type!r}")
            continue
        validator = validator_for(registry, schema_id)
        for err in validator.iter_errors(single):
            pointer = "".join(f"/{p}" for p in err.absolute_path)
            errors.append(f"{pointer or '/'} {err.message}")
    return sorted(set(errors))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", default=str(pathlib.Path(__file__).resolve().parent.parent / "schemas"))
    parser.add_argument("--instance", nargs=2, action="append", metavar=("VENDOR", "FILE"),
                        help="validate FILE as a request body of VENDOR (repeatable); default: every golden example")
    args = parser.parse_args()
    root = pathlib.Path(args.schemas)
    registry, vendors, problems = load_catalog(root)
    for problem in problems:
        print(f"schema-error\t{problem}")
    if problems:
        # Instances cannot be judged against schemas that are themselves broken.
        return 2
    instances = [(v, pathlib.Path(f)) for v, f in args.instance] if args.instance else [
        (vendor, path) for vendor, (vendor_dir, _) in vendors.items()
        for path in sorted((vendor_dir / "examples").glob("*.json"))
    ]
    for vendor, path in instances:
        if vendor not in vendors:
            print(f"crosscheck: unknown vendor {vendor!r}", file=sys.stderr)
            return 2
        errors = check_instance(registry, vendors, vendor, path)
        print(("invalid" if errors else "valid") + "\t" + str(path))
        for err in errors:
            print("\t" + err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
