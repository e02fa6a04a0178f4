#!/usr/bin/env python3
"""Generate iamlog's bundled AWS action / resource-type / condition-key catalog.

Reads the three TSVs described in shared/data/README.md and writes a compact,
deterministic, plain-text form into data/catalog/ (loaded by src/catalog.rs):

  condition-keys.txt  "[block]" lines, then "key<TAB>type" lines. Block "[global]" holds
                      the hand-written AWS global / STS / IdP keys below; every other block
                      is one service's keys from aws-condition-keys.tsv.
  resource-types.txt  "[service]" lines, then "name<TAB>arn_pattern[<TAB>key refs]".
  actions.txt         "[service]" lines, then "Name<TAB>level[<TAB>resource refs[<TAB>key refs]]".

Inside a service block, resource types and condition keys are sorted case-insensitively
and referred to by their 0-based position in that service's block, so an update only
renumbers references within the service it touches.

Usage: scripts/gen_catalog.py [DATA_DIR] [--out OUT_DIR]
DATA_DIR defaults to ../shared/data relative to the repository root.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "scripts/gen_catalog.py"

ACCESS_LEVELS = {
    "Read": "R",
    "Write": "W",
    "List": "L",
    "Tagging": "T",
    "Permissions management": "P",
}

KEY_TYPES = {
    "String",
    "ArrayOfString",
    "ARN",
    "ArrayOfARN",
    "Bool",
    "ArrayOfBool",
    "Numeric",
    "Date",
    "IPAddress",
}

GLOBAL_BLOCK = "global"

# AWS global condition context keys (IAM User Guide, "AWS global condition context keys"),
# with the data type and value type documented there. The service tables in
# aws-condition-keys.tsv repeat only the tag keys of this list. Keys that the TSV already
# has (sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity, sts:TransitiveTagKeys,
# saml:*, the well-known OIDC issuers, and the cross-service session keys ec2:RoleDelivery,
# ec2:SourceInstanceArn, glue:RoleAssumedBy, codebuild:BuildArn, lambda:SourceFunctionArn,
# ssm:SourceInstanceArn, identitystore:UserId, ...) are not repeated here. Claim keys of
# arbitrary OIDC issuers (`<issuer>:sub|aud|amr|email|oaud`) are recognised by rule in
# src/catalog.rs. An entry here takes precedence over the service tables.
GLOBAL_KEYS = [
    # Properties of the principal
    ("aws:PrincipalArn", "ARN"),
    ("aws:PrincipalAccount", "String"),
    ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ("aws:PrincipalOrgID", "String"),
    ("aws:PrincipalTag/${TagKey}", "String"),
    ("aws:PrincipalIsAWSService", "Bool"),
    ("aws:PrincipalServiceName", "String"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString"),
    ("aws:PrincipalType", "String"),
    ("aws:userid", "String"),
    ("aws:username", "String"),
    # Properties of a role session
    ("aws:AssumedRoot", "Bool"),
    ("aws:FederatedProvider", "String"),
    ("aws:TokenIssueTime", "Date"),
    ("aws:SignInSessionArn", "ARN"),
    ("aws:MultiFactorAuthAge", "Numeric"),
    ("aws:MultiFactorAuthPresent", "Bool"),
    ("aws:ChatbotSourceArn", "ARN"),
    ("aws:Ec2InstanceSourceVpc", "String"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    ("aws:SourceIdentity", "String"),
    # Properties of the network
    ("aws:SourceIp", "IPAddress"),
    ("aws:SourceVpc", "String"),
    ("aws:SourceVpcArn", "ARN"),
    ("aws:SourceVpce", "String"),
    ("aws:VpceAccount", "String"),
    ("aws:VpceOrgID", "String"),
    ("aws:VpceOrgPaths", "ArrayOfString"),
    ("aws:VpcSourceIp", "IPAddress"),
    # Properties of the resource
    ("aws:ResourceAccount", "String"),
    ("aws:ResourceOrgID", "String"),
    ("aws:ResourceOrgPaths", "ArrayOfString"),
    ("aws:ResourceTag/${TagKey}", "String"),
    # Properties of the request
    ("aws:CalledVia", "ArrayOfString"),
    ("aws:CalledViaFirst", "String"),
    ("aws:CalledViaLast", "String"),
    ("aws:CalledViaAWSMCP", "String"),
    ("aws:ViaAWSService", "Bool"),
    ("aws:ViaAWSMCPService", "Bool"),
    ("aws:CurrentTime", "Date"),
    ("aws:EpochTime", "Date"),  # documented as Date and Numeric; epoch seconds
    ("aws:referer", "String"),
    ("aws:RequestedRegion", "String"),
    ("aws:RequestTag/${TagKey}", "String"),
    ("aws:TagKeys", "ArrayOfString"),
    ("aws:SecureTransport", "Bool"),
    ("aws:SourceAccount", "String"),
    ("aws:SourceArn", "ARN"),
    ("aws:SourceOrgID", "String"),
    ("aws:SourceOrgPaths", "ArrayOfString"),
    ("aws:UserAgent", "String"),
    ("aws:IsMcpServiceAction", "Bool"),
    # Amazon Cognito identity pools: `amr` is multivalued (AWS's examples use
    # ForAnyValue:StringLike); aws-condition-keys.tsv types it as a plain String.
    ("cognito-identity.amazonaws.com:amr", "ArrayOfString"),
]


def fail(msg: str) -> None:
    sys.exit(f"gen_catalog: {msg}")


def warn(msg: str) -> None:
    print(f"gen_catalog: warning: {msg}", file=sys.stderr)


def read_tsv(path: Path, columns: list[str]) -> list[list[str]]:
    """Rows of a TSV file whose header must equal `columns`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != columns:
        fail(f"{path}: expected header {columns}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(columns):
            fail(f"{path}:{n}: expected {len(columns)} fields, got {len(fields)}")
        rows.append(fields)
    return rows


def split_list(field: str) -> list[str]:
    return [x for x in field.split(",") if x]


def ci(s: str) -> str:
    """Sort key: ASCII case-insensitive, as in src/catalog.rs."""
    return s.lower()


def check_text(what: str, s: str, forbidden: str) -> None:
    if not s.isascii() or any(c in s for c in forbidden) or s != s.strip():
        fail(f"unsupported characters in {what} {s!r}")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header(inputs: list[Path], lines: list[str]) -> list[str]:
    out = [f"# Generated by {SCRIPT}; do not edit. Inputs (shared/data):"]
    out += [f"#   {p.name} sha256={sha256(p)}" for p in inputs]
    return out + [f"# {line}" if line else "#" for line in lines]


class KeyTable:
    """One block's condition keys, sorted case-insensitively."""

    def __init__(self, entries: dict[str, str]):
        self.keys = sorted(entries, key=ci)
        self.types = entries
        self.index = {k: i for i, k in enumerate(self.keys)}

    def refs(self, keys: list[str], where: str) -> str:
        out = []
        for k in dict.fromkeys(keys):  # drop repeats, keep order
            if k not in self.index:
                fail(f"{where}: condition key {k!r} not among the service's keys")
            out.append(str(self.index[k]))
        if len(out) != len(keys):
            warn(f"{where}: repeated condition keys dropped")
        return " ".join(out)


def load_keys(path: Path) -> dict[str, KeyTable]:
    per_service: dict[str, dict[str, str]] = defaultdict(dict)
    for service, key, typ in read_tsv(path, ["service", "condition_key", "type"]):
        check_text("condition key", key, "\t ")
        if typ not in KEY_TYPES:
            fail(f"{service} {key}: unknown type {typ!r}")
        if ci(key) in {ci(k) for k in per_service[service]}:
            fail(f"{service}: duplicate condition key {key!r}")
        per_service[service][key] = typ
    if GLOBAL_BLOCK in per_service:
        fail(f"a service is named {GLOBAL_BLOCK!r}")
    tables = {GLOBAL_BLOCK: KeyTable(dict(GLOBAL_KEYS))}
    if len(tables[GLOBAL_BLOCK].keys) != len(GLOBAL_KEYS):
        fail("duplicate entry in GLOBAL_KEYS")
    tables.update((s, KeyTable(t)) for s, t in per_service.items())
    return tables


def write_keys(out: Path, inputs: list[Path], tables: dict[str, KeyTable]) -> None:
    lines = header(
        inputs,
        [
            "One block per service, \"[service]\", then \"key<TAB>type\" lines sorted",
            "case-insensitively; actions.txt and resource-types.txt refer to a key by its",
            "0-based position in its service's block. Block [global] holds AWS global keys",
            "and STS/IdP keys missing from the service tables (hand-written in the script);",
            "it takes precedence. ${...} or <...> in a key stands for any non-empty text.",
            "Types: String ARN Bool Numeric Date IPAddress, ArrayOf... = multivalued.",
        ],
    )
    names = [GLOBAL_BLOCK] + sorted(s for s in tables if s != GLOBAL_BLOCK)
    for name in names:
        table = tables[name]
        lines.append(f"[{name}]")
        lines += [f"{k}\t{table.types[k]}" for k in table.keys]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_resource_types(path: Path) -> dict[str, list[list[str]]]:
    columns = ["service", "resource_type", "arn_pattern", "condition_keys"]
    per_service: dict[str, list[list[str]]] = defaultdict(list)
    for service, name, arn, keys in read_tsv(path, columns):
        check_text("resource type", name, "\t,*")
        # A few resource types (API Gateway, Lex, Greengrass) list several
        # alternative patterns separated by ", ".
        patterns = arn.split(", ")
        for pattern in patterns:
            check_text("ARN pattern", pattern, "\t ,")
            if not pattern.startswith("arn:") or pattern.count(":") < 5:
                fail(f"{service} {name}: malformed ARN pattern {pattern!r}")
        per_service[service].append([name, " ".join(patterns), keys])
    for service, rows in per_service.items():
        rows.sort(key=lambda r: ci(r[0]))
        names = [ci(r[0]) for r in rows]
        if len(set(names)) != len(names):
            fail(f"{service}: duplicate resource type")
    return per_service


def write_resource_types(
    out: Path,
    inputs: list[Path],
    rtypes: dict[str, list[list[str]]],
    keys: dict[str, KeyTable],
) -> None:
    lines = header(
        inputs,
        [
            "One block per service, \"[service]\", then one line per resource type, sorted",
            "case-insensitively: name<TAB>ARN patterns[<TAB>condition keys]. Patterns are",
            "space-separated alternatives (usually one); keys are space-separated",
            "positions in the service's block of condition-keys.txt.",
            "actions.txt refers to a resource type by its 0-based position in its block.",
        ],
    )
    for service in sorted(rtypes):
        lines.append(f"[{service}]")
        for name, arns, key_field in rtypes[service]:
            line = f"{name}\t{arns}"
            key_list = split_list(key_field)
            if key_list:
                line += "\t" + keys[service].refs(key_list, f"{service} {name}")
            lines.append(line)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def resource_refs(service: str, action: str, field: str, index: dict[str, int]) -> str:
    """Positions of the action's resource types, `*` = required; repeats merged."""
    required: dict[str, bool] = {}
    entries = split_list(field)
    for entry in entries:
        name = entry.removesuffix("*")
        if name not in index:
            fail(f"{service}:{action}: unknown resource type {name!r}")
        required[name] = required.get(name, False) or entry.endswith("*")
    if len(required) != len(entries):
        warn(f"{service}:{action}: repeated resource types merged")
    return " ".join(f"{index[n]}{'*' if r else ''}" for n, r in required.items())


def write_actions(
    out: Path,
    inputs: list[Path],
    rows: list[list[str]],
    rtypes: dict[str, list[list[str]]],
    keys: dict[str, KeyTable],
) -> None:
    lines = header(
        inputs,
        [
            "One block per service, \"[service]\", then one line per action, sorted by",
            "lowercase name: Name<TAB>level[<TAB>resource types[<TAB>condition keys]].",
            "level: R=Read W=Write L=List T=Tagging P=Permissions management.",
            "resource types: space-separated positions in the service's block of",
            "resource-types.txt, \"*\" suffix = required; none = wildcard-only action.",
            "condition keys: positions in the service's block of condition-keys.txt.",
        ],
    )
    per_service: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        per_service[row[0]].append(row)
    for service in sorted(per_service):
        lines.append(f"[{service}]")
        rt_index = {r[0]: i for i, r in enumerate(rtypes.get(service, []))}
        for _, action, level, rt_field, key_field in sorted(
            per_service[service], key=lambda r: ci(r[1])
        ):
            fields = [action, ACCESS_LEVELS[level]]
            fields.append(resource_refs(service, action, rt_field, rt_index))
            key_list = split_list(key_field)
            if key_list:
                fields.append(keys[service].refs(key_list, f"{service}:{action}"))
            lines.append("\t".join(fields).rstrip("\t"))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_actions(path: Path) -> list[list[str]]:
    columns = ["service", "action", "access_level", "resource_types", "condition_keys"]
    rows = read_tsv(path, columns)
    seen = set()
    for service, action, level, _, _ in rows:
        if not service.isascii() or service != service.lower() or not service:
            fail(f"unsupported service prefix {service!r}")
        check_text("action", action, "\t :*?,")
        if level not in ACCESS_LEVELS:
            fail(f"{service}:{action}: unknown access level {level!r}")
        if (service, ci(action)) in seen:
            fail(f"duplicate action {service}:{action}")
        seen.add((service, ci(action)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="directory with the aws-*.tsv files (default: ../shared/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "data" / "catalog",
        help="output directory (default: data/catalog in the repository)",
    )
    args = parser.parse_args()
    src_actions = args.data_dir / "aws-actions.tsv"
    src_rtypes = args.data_dir / "aws-resource-types.tsv"
    src_keys = args.data_dir / "aws-condition-keys.tsv"

    keys = load_keys(src_keys)
    rtypes = load_resource_types(src_rtypes)
    actions = load_actions(src_actions)

    args.out.mkdir(parents=True, exist_ok=True)
    write_keys(args.out / "condition-keys.txt", [src_keys], keys)
    write_resource_types(
        args.out / "resource-types.txt", [src_rtypes, src_keys], rtypes, keys
    )
    write_actions(
        args.out / "actions.txt", [src_actions, src_rtypes, src_keys], actions, rtypes, keys
    )
    total = sum(p.stat().st_size for p in args.out.glob("*.txt"))
    print(
        f"gen_catalog: {len(actions)} actions, {sum(map(len, rtypes.values()))} resource "
        f"types, {sum(len(t.keys) for t in keys.values())} condition keys; "
        f"{total} bytes in {args.out}"
    )


if __name__ == "__main__":
    main()
