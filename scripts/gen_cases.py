#!/usr/bin/env python3
"""Deterministic random generator of IAM request cases in the oracle's case format
(shared/tools/oracle/oracle.mjs header), for differential testing of `iamlog simulate`.

    python3 scripts/gen_cases.py --seed 1 --count 2000 [--include-flagged] [--engine simulate]
                                 [--data-dir ../shared/data] [--out cases.json] [--stats]

Case i depends only on (seed, i): `--count 100` is a prefix of `--count 2000`.

What it generates (all documents valid per spec §1, so the oracle never rejects them):
- ~50 real actions of s3, iam, sts, kms, ec2, lambda, sqs, dynamodb, secretsmanager and logs
  (CURATED below), with request ARNs instantiated from the resource-type ARN templates in
  shared/data/aws-resource-types.tsv (loaded at run time), wildcard-only actions on "*".
- Context keys only among those that apply to the action (global keys, the action's keys and
  its resource type's keys from shared/data), typed as the catalog says (arrays for
  ArrayOf* keys, strings otherwise), so the oracle's "simulate" engine drops nothing and the
  "core" engine (context verbatim) means the same. Principal keys (aws:PrincipalArn, Account,
  Type, userid, username) are always filled consistently with the principal; tags and request
  keys are sometimes absent (missing-key semantics).
- Principals: IAM users (with paths), assumed-role sessions (roles with paths), federated users
  (with a session policy), service principals, anonymous; same and other account.
- Identity policies (1-4 documents of 1-4 statements), Allow/Deny, Action/NotAction with
  wildcards (`*`, `svc:*`, `svc:Get*`, `?`, mixed case), Resource/NotResource with wildcards and
  policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, defaults
  `${aws:PrincipalTag/team, 'blue'}`, `${*}`), conditions of every operator family (String*,
  Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress v4+v6, Arn*, Null, ...IfExists,
  ForAnyValue:/ForAllValues: on aws:TagKeys, aws:PrincipalOrgPaths and other list keys).
- Resource policies: S3 bucket policies, role trust policies (sts:AssumeRole, sts:TagSession),
  KMS key policies, SQS, Secrets Manager and Lambda policies, with Principal forms `*`,
  {"AWS":"*"}, account id, root ARN, user/role/session ARNs (roles with other paths too),
  Service, and NotPrincipal in Deny statements; permission boundaries; session policies;
  SCP chains (2-3 levels) and RCP chains (2-3 levels, Deny-only, Principal "*").
- Values are drawn from small pools that collide often (alice/bob, team blue/red, a few IPs,
  dates, numbers), so Allow, ExplicitDeny and ImplicitDeny outcomes are all common.

What it avoids unless --include-flagged (each is detected on the finished case by `flags()`,
so a construct that arises by chance is rejected too; the case is then drawn again):
  version-vars        §1.2, §4, §11 #31: policy variables in a document whose Version is
                      2008-10-17 or absent (AWS keeps `${...}` literal; the oracle expands).
  date-epoch          §3 table, §11 #26: Date operators with epoch numbers (the oracle mixes
                      seconds and milliseconds).
  unresolved-negated  §3 "Missing keys", §11 #30: a negated condition operator whose value
                      holds a variable with no value and no default (AWS: the negated test is
                      true; the oracle: false).
  unresolved-notresource  §2 "ARNs" step 3: NotResource holding such a variable (spec: the
                      pattern matches nothing, so NotResource applies; the oracle does not
                      apply it). Not marked in the spec; found by probing the oracle.
  session-grant-sp    §5 same-account grant table, §11 #40: a session (or federated user) with
                      a session policy, and a resource policy Allow naming its session ARN or
                      "*" (AWS skips the session policy; the oracle applies it).
  root-principal      §5 "Special principals", §11 #51/#52: the root user as the caller (the
                      oracle does not model root).
  trust-direct-pb     §5 exception, §11 #55: a trust policy naming the caller directly (or
                      "*") while the caller has a permissions boundary (iamlog applies the
                      boundary; the oracle allows).
  federated-no-sp     §5 Grant, §11 #70: a GetFederationToken session without session policy.
  scp-service         §5 "Where guardrails apply": SCPs with a service principal as caller
                      (SCPs do not apply to service principals; the oracle applies them).
                      Not marked in the spec; found by probing.
  rcp-non-rcp-service §5 "Where guardrails apply": RCPs on a request to a service outside the
                      RCP services (spec names S3, STS, KMS, SQS, Secrets Manager; the oracle
                      applies RCPs to every service). dynamodb and logs are in iam-data's RCP
                      list but not in the spec's or shared/data's: also avoided (≈).
                      Not marked in the spec; found by probing.
  immutable-resource  §5 "Immutable objects": roles under /aws-service-role/ or /aws-reserved/
                      and AWS managed policies (the oracle handles only /aws-reserved/, also
                      denies iam:PassRole there, and turns an explicit Deny into ImplicitDeny).
  unparsable-negated  §3 (≈, §12): an unparsable request value under a negated Numeric/Date/IP
                      operator (spec: the negated test is true; the oracle: false).
  role-caller         not AWS: an IAM role ARN as the caller (requests come from its sessions).
  wildcard-resource-type  §2 "ARNs" step 4: `*` or `?` in the resource-type portion of a
                      Resource/NotResource ARN (before the first `/` or `:` of field 6, as in
                      `arn:aws:iam::A:?ser/alice`). AWS's ARN page says a wildcard there is not
                      allowed and does not say how it evaluates; iamlog matches field 6 as one
                      glob, the oracle compares that portion literally. Not generated: neither
                      answer can be checked against AWS's documentation.
Never generated at all: documents AWS rejects (§1.1/§1.4: Principal in identity policies,
NotPrincipal with Allow or in trust policies, Resource in trust policies, RCP Allow statements
or Action "*", bad Version, documents over 2,048 non-whitespace characters), short ARNs (§2
step 5, ≈), upper-case ARN fields 2-5 and operator names (≈, §12), variables in Bool (≈).
"""
import argparse
import base64
import collections
import copy
import csv
import ipaddress
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from oracle_env import DEFAULT_DATA_DIR  # noqa: E402

A, B = "111111111111", "222222222222"
ORG_ID = "o-a1b2c3d4e5"
ORG_PATHS = {A: f"{ORG_ID}/r-ab12/ou-ab12-11111111/", B: f"{ORG_ID}/r-ab12/ou-ab12-22222222/"}

# action -> resource type used for the request ARN (None: wildcard-only action, resource "*")
CURATED = {
    "s3:GetObject": "object", "s3:PutObject": "object", "s3:DeleteObject": "object",
    "s3:GetObjectTagging": "object", "s3:ListBucket": "bucket", "s3:GetBucketPolicy": "bucket",
    "s3:PutBucketPolicy": "bucket", "s3:CreateBucket": "bucket", "s3:ListAllMyBuckets": None,
    "iam:CreateUser": "user", "iam:GetUser": "user", "iam:DeleteUser": "user",
    "iam:TagUser": "user", "iam:CreateAccessKey": "user", "iam:GetRole": "role",
    "iam:PassRole": "role", "iam:AttachRolePolicy": "role", "iam:CreatePolicyVersion": "policy",
    "iam:ListUsers": None,
    "sts:AssumeRole": "role", "sts:TagSession": "role", "sts:GetCallerIdentity": None,
    "kms:Decrypt": "key", "kms:Encrypt": "key", "kms:GenerateDataKey": "key",
    "kms:TagResource": "key", "kms:ScheduleKeyDeletion": "key", "kms:ListKeys": None,
    "ec2:TerminateInstances": "instance", "ec2:StartInstances": "instance",
    "ec2:StopInstances": "instance", "ec2:DeleteVolume": "volume", "ec2:DescribeInstances": None,
    "lambda:InvokeFunction": "function", "lambda:GetFunction": "function",
    "lambda:UpdateFunctionCode": "function", "lambda:CreateFunction": "function",
    "lambda:ListFunctions": None,
    "sqs:SendMessage": "queue", "sqs:ReceiveMessage": "queue", "sqs:DeleteMessage": "queue",
    "sqs:TagQueue": "queue", "sqs:ListQueues": None,
    "dynamodb:GetItem": "table", "dynamodb:PutItem": "table", "dynamodb:Query": "table",
    "dynamodb:DeleteTable": "table", "dynamodb:ListTables": None,
    "secretsmanager:GetSecretValue": "Secret", "secretsmanager:PutSecretValue": "Secret",
    "secretsmanager:DeleteSecret": "Secret", "secretsmanager:TagResource": "Secret",
    "secretsmanager:ListSecrets": None,
    "logs:CreateLogGroup": "log-group", "logs:DeleteLogGroup": "log-group",
    "logs:PutLogEvents": "log-stream", "logs:GetLogEvents": "log-stream",
    "logs:DescribeLogGroups": None,
}
# services whose resources carry a resource policy in these cases, and which kind
RP_KIND = {"s3": "s3", "kms": "kms", "sqs": "sqs", "secretsmanager": "secretsmanager",
           "lambda": "lambda"}
RCP_SERVICES = {"s3", "sts", "kms", "sqs", "secretsmanager"}   # spec §5 (named services)

# global condition keys and their types (AWS global condition context keys page)
GLOBAL_KEYS = {
    "aws:PrincipalArn": "ARN", "aws:PrincipalAccount": "String", "aws:PrincipalOrgID": "String",
    "aws:PrincipalOrgPaths": "ArrayOfString", "aws:PrincipalTag/": "String",
    "aws:PrincipalIsAWSService": "Bool", "aws:PrincipalServiceName": "String",
    "aws:PrincipalType": "String", "aws:userid": "String", "aws:username": "String",
    "aws:TokenIssueTime": "Date", "aws:MultiFactorAuthAge": "Numeric",
    "aws:MultiFactorAuthPresent": "Bool", "aws:SourceIp": "IPAddress", "aws:SourceVpc": "String",
    "aws:SourceVpce": "String", "aws:ResourceAccount": "String", "aws:ResourceOrgID": "String",
    "aws:ResourceTag/": "String", "aws:CalledVia": "ArrayOfString", "aws:ViaAWSService": "Bool",
    "aws:CurrentTime": "Date", "aws:RequestedRegion": "String", "aws:RequestTag/": "String",
    "aws:TagKeys": "ArrayOfString", "aws:SecureTransport": "Bool", "aws:SourceArn": "ARN",
    "aws:SourceAccount": "String", "aws:UserAgent": "String",
}
SESSION_ONLY = {"aws:TokenIssueTime", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent"}
PRINCIPAL_KEYS = {"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID",
                  "aws:PrincipalOrgPaths", "aws:PrincipalIsAWSService", "aws:PrincipalServiceName",
                  "aws:PrincipalType", "aws:userid", "aws:username"}

# ---------------------------------------------------------------- value pools (they collide)
USERS = {A: ["alice", "bob", "dev/carol"], B: ["bob", "dave"]}
ROLES = {A: ["R", "team/Deployer", "Admin"], B: ["Ops", "team/R"]}
SESSIONS = ["s", "alice", "ci-run"]
SERVICES = ["lambda.amazonaws.com", "ec2.amazonaws.com", "s3.amazonaws.com",
            "events.amazonaws.com"]
TEAMS = ["blue", "red"]
PLACEHOLDERS = {
    "BucketName": ["data-blue", "data-red", "logs-alice", "shared"],
    "ObjectName": ["alice/notes.txt", "bob/2024/report.csv", "blue/plan.doc", "public/index.html",
                   "f1.txt", "f10.txt"],
    "UserNameWithPath": ["alice", "bob", "dev/carol"],
    "RoleNameWithPath": ["R", "team/Deployer", "Admin"],
    "PolicyNameWithPath": ["app-blue", "team/ops-policy"],
    "KeyId": ["1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"],
    "InstanceId": ["i-0abc123def4567890", "i-0fed987cba6543210"],
    "VolumeId": ["vol-0abc123def4567890", "vol-0blue000000000001"],
    "FunctionName": ["app-blue", "app-red", "alice-tool"],
    "QueueName": ["orders-blue", "orders-red", "alice-queue"],
    "TableName": ["orders", "users-blue", "alice-table"],
    "SecretId": ["db-blue-AbCdEf", "alice/api-key-Zy12Xw"],
    "LogGroupName": ["/app/blue", "/aws/lambda/alice"],
    "LogStreamName": ["s1", "2024/01/01/x"],
}
REGIONS = ["us-east-1", "eu-west-1"]
IPV4 = ["10.0.0.5", "10.0.1.17", "192.168.1.10", "203.0.113.7"]
IPV6 = ["2001:db8::1", "2001:db8:1::5", "fd00::10"]
CIDR4 = ["10.0.0.0/24", "10.0.0.0/16", "10.0.0.0/8", "192.168.1.0/24", "203.0.113.7",
         "203.0.113.7/32", "172.16.0.0/12"]
CIDR6 = ["2001:db8::/32", "2001:db8:1::/48", "fd00::/8", "2001:db8::1/128", "2001:db8::1"]
DATES = ["2024-01-01T00:00:00Z", "2024-06-15T12:00:00Z", "2025-01-01T00:00:00Z",
         "2025-03-10T08:30:00Z", "2026-01-01T00:00:00Z"]
POLICY_DATES = DATES + ["2025-01-01", "2025-01-01T01:00:00+01:00", "2025-03-10T08:30:00.000Z"]
NUMS_CTX = ["5", "10", "100", "3600", "2.5"]
NUMS_POL = ["0", "5", "10", "10.0", "100", "3600", "-1", "2.5", "7200"]
BIN_CTX = base64.b64encode(b"abc").decode()
BIN_POL = [BIN_CTX, base64.b64encode(b"def").decode(), base64.b64encode(b"abcd").decode()]
TAG_KEYS = ["team", "env", "owner", "cost"]
KEY_POOLS = {  # string pools for specific keys (others: by type)
    "aws:RequestedRegion": REGIONS, "ec2:Region": REGIONS,
    "aws:SourceVpc": ["vpc-111", "vpc-222"], "aws:SourceVpce": ["vpce-111", "vpce-222"],
    "aws:UserAgent": ["aws-cli/2.15", "Boto3/1.34"],
    "aws:CalledVia": [["cloudformation.amazonaws.com"], ["athena.amazonaws.com"],
                      ["cloudformation.amazonaws.com", "lambda.amazonaws.com"]],
    "aws:ResourceOrgID": [ORG_ID, "o-zzzzzzzzzz"],
    "s3:prefix": ["alice/", "public/", "blue/"], "s3:x-amz-acl": ["private", "public-read"],
    "s3:x-amz-server-side-encryption": ["aws:kms", "AES256"],
    "s3:authType": ["REST-HEADER", "REST-QUERY-STRING"],
    "iam:PassedToService": ["ec2.amazonaws.com", "lambda.amazonaws.com"],
    "iam:PolicyARN": ["arn:aws:iam::aws:policy/ReadOnlyAccess",
                      "arn:aws:iam::aws:policy/AdministratorAccess",
                      f"arn:aws:iam::{A}:policy/app-blue"],
    "iam:PermissionsBoundary": [f"arn:aws:iam::{A}:policy/boundary",
                                f"arn:aws:iam::{A}:policy/team/ops-policy"],
    "sts:ExternalId": ["abc123", "wrong-id"], "sts:RoleSessionName": ["alice", "ci-run"],
    "sts:SourceIdentity": ["alice", "bob"],
    "kms:CallerAccount": [A, B],
    "kms:ViaService": ["s3.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"],
    "kms:EncryptionAlgorithm": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256"],
    "ec2:InstanceType": ["t3.micro", "m5.large"], "ec2:Tenancy": ["default", "dedicated"],
    "ec2:VolumeType": ["gp3", "io2"],
    "dynamodb:LeadingKeys": [["alice"], ["bob"], ["alice", "bob"]],
    "dynamodb:Select": ["ALL_ATTRIBUTES", "SPECIFIC_ATTRIBUTES"],
    "secretsmanager:VersionStage": ["AWSCURRENT", "AWSPREVIOUS"],
    "aws:SourceArn": ["arn:aws:s3:::data-blue", f"arn:aws:lambda:us-east-1:{A}:function:app-blue",
                      f"arn:aws:sqs:us-east-1:{B}:orders-red"],
    "aws:SourceAccount": [A, B],
}
STRING_POOL = ["blue", "red", "alice", "bob", "prod", "dev"]
ARRAY_POOL = [["team"], ["team", "env"], ["owner"], ["alice", "blue"], []]


class Catalog:
    """Actions, resource types and condition-key types from shared/data (read at run time)."""

    def __init__(self, data_dir):
        def rows(name):
            with open(os.path.join(data_dir, name), newline="") as f:
                r = csv.reader(f, delimiter="\t")
                next(r)
                yield from r
        self.actions = {}
        for svc, act, _level, rtypes, ckeys in rows("aws-actions.tsv"):
            self.actions[f"{svc}:{act}".lower()] = (
                svc, act, [t.rstrip("*") for t in rtypes.split(",") if t],
                [k for k in ckeys.split(",") if k])
        self.rtypes = {(svc, rt): (arn, [k for k in ck.split(",") if k])
                       for svc, rt, arn, ck in rows("aws-resource-types.tsv")}
        self.key_types = {}
        for _svc, key, typ in rows("aws-condition-keys.tsv"):
            self.key_types.setdefault(key.lower(), typ)
        self.curated = {}
        for full, rtype in CURATED.items():
            info = self.actions.get(full.lower())
            if not info:
                print(f"gen_cases: {full} not in the catalog: skipped", file=sys.stderr)
                continue
            svc, act, rtypes, ckeys = info
            if rtype is not None and rtype not in rtypes:
                print(f"gen_cases: {full} has no resource type {rtype}: skipped", file=sys.stderr)
                continue
            if rtype is None and rtypes:
                print(f"gen_cases: {full} is not wildcard-only: skipped", file=sys.stderr)
                continue
            rkeys = self.rtypes[(svc, rtype)][1] if rtype else []
            self.curated[f"{svc}:{act}"] = {
                "service": svc, "name": act, "rtype": rtype,
                "template": self.rtypes[(svc, rtype)][0] if rtype else None,
                "keys": self._instantiate_keys(ckeys + rkeys)}
        self.by_service = collections.defaultdict(list)
        for a in self.curated:
            self.by_service[a.split(":")[0]].append(a)

    @staticmethod
    def _instantiate_keys(keys):
        """Catalog keys with placeholders (aws:RequestTag/${TagKey}, s3:ExistingObjectTag/<key>)
        become concrete tag keys; other placeholder forms (kms:EncryptionContext:${...}) are
        skipped: the oracle only matches `prefix/<tag>` forms."""
        out = []
        for k in keys:
            m = re.match(r"^([^$<]+/)(\$\{[^}]+\}|<[^>]+>)$", k)
            if m:
                out += [m.group(1) + t for t in ("team", "owner")]
            elif "${" not in k and "<" not in k and not k.endswith("/tag-key"):
                out.append(k)
        return sorted(set(out))

    def key_type(self, key):
        for g, t in GLOBAL_KEYS.items():
            if key == g or (g.endswith("/") and key.startswith(g)):
                return t
        k = key.lower()
        if k in self.key_types:
            return self.key_types[k]
        if "/" in k:  # tag-style key: look up its placeholder form
            prefix = k.split("/", 1)[0] + "/"
            for cand, t in self.key_types.items():
                if cand.startswith(prefix):
                    return t
        return "String"

    def wildcard_only(self, action):
        info = self.actions.get(action.lower())
        return bool(info) and not info[2]


# ------------------------------------------------------------------------- case analysis
VAR_RE = re.compile(r"\$\{([^}]*)\}")
NEGATED = re.compile(r"^(String|Arn|Numeric|Date)Not|^NotIpAddress$")


def _docs(case):
    """(kind, document) for every policy document in a case."""
    for d in case.get("identityPolicies") or []:
        yield "identity", d
    for d in case.get("permissionBoundaries") or []:
        yield "pb", d
    if case.get("sessionPolicy"):
        yield "session", case["sessionPolicy"]
    if case.get("resourcePolicy"):
        yield "resource", case["resourcePolicy"]
    for kind in ("scps", "rcps"):
        for level in case.get(kind) or []:
            for d in level:
                yield kind[:-1], d
    for d in case.get("endpointPolicies") or []:
        yield "endpoint", d


def _statements(doc):
    st = doc.get("Statement", [])
    return [st] if isinstance(st, dict) else list(st)


def _as_list(v):
    return v if isinstance(v, list) else [v]


def _ctx_lookup(ctx, key):
    kl = key.lower()
    for k, v in ctx.items():
        if k.lower() == kl:
            return v
    return None


def _unresolved_vars(text, ctx):
    """Variables in text that have no single value in ctx and no default."""
    out = []
    for inner in VAR_RE.findall(text):
        if inner in ("*", "?", "$") or ", '" in inner:
            continue
        if not isinstance(_ctx_lookup(ctx, inner.strip()), str):
            out.append(inner)
    return out


def principal_kind(p):
    if isinstance(p, dict):
        return "anonymous"
    if not p.startswith("arn:"):
        return "service"
    res = p.split(":", 5)[5]
    if res == "root":
        return "root"
    return {"user": "user", "role": "role", "assumed-role": "session",
            "federated-user": "federated"}.get(res.split("/", 1)[0], "other")


def principal_account(p):
    return p.split(":")[4] if isinstance(p, str) and p.startswith("arn:") else None


def resource_account(req):
    if req.get("resourceAccount"):
        return str(req["resourceAccount"])
    if req["resource"] == "*":
        return principal_account(req["principal"])
    return req["resource"].split(":")[4] or None


def _rp_allows_directly(case):
    """Does the resource policy hold an Allow naming the caller's own ARN or "*"?"""
    p = case["request"]["principal"]
    for st in _statements(case.get("resourcePolicy") or {}):
        if st.get("Effect") != "Allow" or "Principal" not in st:
            continue
        pr = st["Principal"]
        if pr == "*":
            return True
        if isinstance(pr, dict):
            for v in _as_list(pr.get("AWS", [])):
                if v == "*" or v == p:
                    return True
    return False


def _unparsable(typ, value):
    try:
        if typ == "Numeric":
            float(value)
        elif typ == "IP":
            ipaddress.ip_address(value)
        elif typ == "Date":
            if not re.match(r"^\d{4}-\d{2}-\d{2}", value) and not value.isdigit():
                return True
        return False
    except ValueError:
        return True


def resource_type_prefix(pattern):
    """The start of an ARN pattern's resource field up to and including its first `/` or `:`
    (the resource-type portion, `user/` in `user/alice`), or None when the field has neither
    separator, the pattern is no six-field ARN, or it is an S3 ARN (no resource type)."""
    parts = pattern.split(":", 5) if isinstance(pattern, str) else []
    if len(parts) < 6 or parts[0] != "arn" or (parts[2] == "s3" and not parts[3] and not parts[4]):
        return None
    field = parts[5]
    cut = min((i for i in (field.find("/"), field.find(":")) if i >= 0), default=-1)
    return field[:cut + 1] if cut >= 0 else None


def _resource_patterns(st):
    return [p for el in ("Resource", "NotResource") for p in _as_list(st.get(el, []))]


def _ip_family(text):
    try:
        return ipaddress.ip_network(str(text), strict=False).version
    except ValueError:
        return None


def flags(case):
    """Constructs on which the oracle departs from AWS/the spec (see the module docstring)."""
    out = set()
    req = case["request"]
    ctx = req.get("context") or {}
    p = req["principal"]
    pk = principal_kind(p)
    service = req["action"].split(":")[0].lower()
    for kind, doc in _docs(case):
        text = json.dumps(doc)
        if doc.get("Version") != "2012-10-17" and "${" in text:
            out.add("version-vars")
        for st in _statements(doc):
            for pat in _as_list(st.get("NotResource", [])):
                if _unresolved_vars(pat, ctx):
                    out.add("unresolved-notresource")
            for pat in _resource_patterns(st):
                prefix = resource_type_prefix(pat)
                if prefix and "${" not in prefix and ("*" in prefix or "?" in prefix):
                    out.add("wildcard-resource-type")
            for op, block in (st.get("Condition") or {}).items():
                base = op.split(":")[-1]
                base = base[:-len("IfExists")] if base.endswith("IfExists") else base
                for key, vals in block.items():
                    vals = _as_list(vals)
                    if base.startswith("Date") and any(
                            isinstance(v, (int, float)) or str(v).isdigit() for v in vals):
                        out.add("date-epoch")
                    cv = _ctx_lookup(ctx, key)
                    if base.startswith("Date") and any(str(v).isdigit() for v in _as_list(cv or [])):
                        out.add("date-epoch")
                    if NEGATED.match(base):
                        if any(_unresolved_vars(str(v), ctx) for v in vals):
                            out.add("unresolved-negated")
                        typ = ("Numeric" if base.startswith("Numeric") else "Date"
                               if base.startswith("Date") else "IP" if "Ip" in base else None)
                        if typ and cv is not None and any(
                                _unparsable(typ, x) for x in _as_list(cv)):
                            out.add("unparsable-negated")
    if pk in ("session", "federated") and case.get("sessionPolicy") and _rp_allows_directly(case):
        out.add("session-grant-sp")
    if pk == "root":
        out.add("root-principal")
    if pk == "role":
        out.add("role-caller")
    if (service == "sts" and req["resource"].startswith("arn:aws:iam:")
            and case.get("permissionBoundaries") and _rp_allows_directly(case)):
        out.add("trust-direct-pb")
    if pk == "federated" and not case.get("sessionPolicy"):
        out.add("federated-no-sp")
    if pk == "service" and case.get("scps"):
        out.add("scp-service")
    if case.get("rcps") and service not in RCP_SERVICES:
        out.add("rcp-non-rcp-service")
    res = req["resource"]
    if (re.match(r"^arn:aws:iam::[^:]*:role/aws-(service-role|reserved)/", res)
            or re.match(r"^arn:aws:iam::aws:", res)):
        out.add("immutable-resource")
    return sorted(out)


def features(case, fine=True):
    """Feature names of a case, for signatures. fine=False gives the coarse set."""
    req = case["request"]
    p = req["principal"]
    pk = principal_kind(p)
    f = {f"principal:{pk}", f"service:{req['action'].split(':')[0].lower()}"}
    pa, ra = principal_account(p), resource_account(req)
    if pk not in ("anonymous", "service"):
        f.add("account:same" if pa == ra else "account:cross")
    if req["resource"] == "*":
        f.add("resource:*")
    rp = case.get("resourcePolicy")
    if rp:
        svc = req["action"].split(":")[0].lower()
        f.add("rp:trust" if svc == "sts" else f"rp:{RP_KIND.get(svc, svc)}")
    for k in ("scps", "rcps", "permissionBoundaries", "sessionPolicy"):
        if case.get(k):
            f.add({"scps": "scp", "rcps": "rcp", "permissionBoundaries": "pb",
                   "sessionPolicy": "sp"}[k])
    if any(lvl == [] for lvl in case.get("scps") or []):
        f.add("scp:empty-level")
    if not fine:
        return sorted(f)
    if case.get("engine") == "core":
        f.add("engine:core")
    for kind, doc in _docs(case):
        if doc.get("Version") != "2012-10-17":
            f.add("version:" + str(doc.get("Version", "absent")))
        for st in _statements(doc):
            pre = "rp" if kind == "resource" else kind
            f.add(f"{pre}:{st.get('Effect', '?').lower()}")
            if "NotAction" in st:
                f.add(f"{pre}:notaction")
            if "NotResource" in st:
                f.add(f"{pre}:notresource")
            if "NotPrincipal" in st:
                f.add(f"{pre}:notprincipal")
            acts = _as_list(st.get("Action", st.get("NotAction", [])))
            if any("*" in a or "?" in a for a in acts):
                f.add("action:wildcard")
            if any(":" in a and (a.split(":")[0] != a.split(":")[0].lower()
                                 or a.split(":")[1][:1].islower()) for a in acts):
                f.add("action:mixed-case")
            res = _as_list(st.get("Resource", st.get("NotResource", [])))
            for r in res:
                # a variable where the oracle expects the resource type (known-divergences.json)
                if "${" in (resource_type_prefix(r) or ""):
                    f.add("var:resource-before-type")
                if "${" in r:
                    f.add("var:resource-default" if ", '" in r else
                          "var:resource-literal" if re.search(r"\$\{[*?$]\}", r) else
                          "var:resource")
                if r != "*" and ("*" in r.replace("${*}", "") or "?" in r):
                    f.add("resource:wildcard")
            pr = st.get("Principal", st.get("NotPrincipal"))
            if pr is not None:
                if pr == "*":
                    f.add("principal-form:*")
                else:
                    for t, vals in pr.items():
                        for v in _as_list(vals):
                            if t == "Service":
                                f.add("principal-form:service")
                            elif v == "*":
                                f.add("principal-form:AWS*")
                            elif re.fullmatch(r"\d{12}", v):
                                f.add("principal-form:account")
                            else:
                                f.add("principal-form:" + principal_kind(v))
                                # user/NAME next to a federated-user/NAME caller: the oracle
                                # takes it for the parent user (known-divergences.json)
                                if pk == "federated" and v == p.replace(
                                        ":sts::", ":iam::").replace(":federated-user/", ":user/"):
                                    f.add("principal-form:federated-parent")
            for op, block in (st.get("Condition") or {}).items():
                if ":" in op:
                    f.add("cond:" + op.split(":")[0])
                base = op.split(":")[-1]
                if base.endswith("IfExists"):
                    f.add("cond:IfExists")
                    base = base[:-len("IfExists")]
                f.add("cond:" + base)
                for key, vals in block.items():
                    if any("${" in str(v) for v in _as_list(vals)):
                        f.add("var:condition")
                        # the oracle does not substitute variables in ARN operator values
                        # (known-divergences.json, spec §4)
                        if base.startswith("Arn"):
                            f.add("var:arn-condition")
                    cv = _ctx_lookup(req.get("context") or {}, key)
                    if cv is None:
                        f.add("cond:key-absent")
                    # constructs named by entries of known-divergences.json
                    if base == "Null" and cv == []:
                        f.add("cond:Null-empty-set")
                    if base in ("IpAddress", "NotIpAddress") and cv is not None:
                        bare = {_ip_family(v) for v in _as_list(vals) if "/" not in str(v)}
                        asked = {_ip_family(x) for x in _as_list(cv)}
                        if any(b != a for b in bare - {None} for a in asked - {None}):
                            f.add("cond:ip-bare-cross-family")
    return sorted(f)


# ------------------------------------------------------------------------------ generator
class Gen:
    def __init__(self, catalog, rng, include_flagged, engine):
        self.cat = catalog
        self.r = rng
        self.flagged = include_flagged
        self.engine = engine

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(list(seq))

    def some(self, seq, lo=1, hi=3):
        seq = list(seq)
        return self.r.sample(seq, min(len(seq), self.r.randint(lo, hi)))

    @staticmethod
    def one_or_list(items):
        return items[0] if len(items) == 1 else items

    # ---- principals
    def principal(self, home):
        r = self.r
        kinds = [("user", 34), ("session", 34), ("federated", 5), ("service", 9),
                 ("anonymous", 8)]
        if self.flagged:
            kinds += [("root", 5), ("role", 3)]
        kind = r.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        p = {"kind": kind, "account": home, "tags": {}}
        if kind == "user":
            path_name = self.pick(USERS[home])
            p["name"] = path_name.split("/")[-1]
            p["arn"] = f"arn:aws:iam::{home}:user/{path_name}"
            p["userid"] = "AIDA" + p["name"].upper().ljust(17, "X")
        elif kind in ("session", "role"):
            path_name = self.pick(ROLES[home])
            p["role"] = path_name.split("/")[-1]
            p["role_arn"] = f"arn:aws:iam::{home}:role/{path_name}"
            p["session"] = self.pick(SESSIONS)
            p["arn"] = (f"arn:aws:sts::{home}:assumed-role/{p['role']}/{p['session']}"
                        if kind == "session" else p["role_arn"])
            p["userid"] = "AROA" + p["role"].upper().ljust(17, "X")
            if kind == "session":
                p["userid"] += ":" + p["session"]
        elif kind == "federated":
            p["name"] = self.pick(["alice", "bob"])
            p["arn"] = f"arn:aws:sts::{home}:federated-user/{p['name']}"
            p["userid"] = f"{home}:{p['name']}"
        elif kind == "root":
            p["arn"] = f"arn:aws:iam::{home}:root"
            p["userid"] = home
        elif kind == "service":
            p["arn"] = self.pick(SERVICES)
            p["account"] = None
        else:
            p["arn"] = {"type": "Anonymous"}
            p["account"] = None
        if kind in ("user", "session", "role", "federated"):
            for k, pool in (("team", TEAMS), ("project", ["apollo", "alice"]),
                            ("cost", ["100", "200"])):
                if self.chance(0.55):
                    p["tags"][k] = self.pick(pool)
            if self.chance(0.08):
                p["tags"]["bin"] = BIN_CTX
        return p

    def principal_context(self, p, in_org):
        ctx = {}
        kind = p["kind"]
        if kind in ("anonymous",):
            return ctx
        if kind == "service":
            ctx["aws:PrincipalIsAWSService"] = "true"
            ctx["aws:PrincipalServiceName"] = p["arn"]
            return ctx
        ctx["aws:PrincipalArn"] = p.get("role_arn") if kind == "session" else p["arn"]
        ctx["aws:PrincipalAccount"] = p["account"]
        ctx["aws:PrincipalType"] = {"user": "User", "session": "AssumedRole", "role": "AssumedRole",
                                    "federated": "FederatedUser", "root": "Account"}[kind]
        ctx["aws:userid"] = p["userid"]
        if kind == "user":
            ctx["aws:username"] = p["name"]
        if self.chance(0.5):
            ctx["aws:PrincipalIsAWSService"] = "false"
        for k, v in p["tags"].items():
            ctx[f"aws:PrincipalTag/{k}"] = v
        if in_org:
            ctx["aws:PrincipalOrgID"] = ORG_ID
            ctx["aws:PrincipalOrgPaths"] = [ORG_PATHS.get(p["account"], ORG_PATHS[A])]
        return ctx

    # ---- resources
    def resource_arn(self, action, account):
        info = self.cat.curated[action]
        if info["rtype"] is None:
            return "*"
        region = self.pick(REGIONS)

        def sub(m):
            name = m.group(1)
            if name == "Partition":
                return "aws"
            if name == "Region":
                return region
            if name == "Account":
                return account
            return self.pick(PLACEHOLDERS.get(name, ["res-blue", "res-alice"]))
        return re.sub(r"\$\{(\w+)\}", sub, info["template"])

    # ---- values
    def context_value(self, key, typ):
        if key in KEY_POOLS:
            return copy.deepcopy(self.pick(KEY_POOLS[key]))
        if typ.startswith("ArrayOf"):
            if key == "aws:TagKeys" or key.endswith("TagKeys"):
                return self.some(TAG_KEYS, 0, 3)
            return copy.deepcopy(self.pick(ARRAY_POOL))
        if typ == "Numeric":
            if self.flagged and self.chance(0.1):  # ≈ §3: unparsable request value
                return "abc"
            return self.pick(NUMS_CTX)
        if typ == "Date":
            return self.pick(DATES)
        if typ == "Bool":
            return self.pick(["true", "false"])
        if typ == "IPAddress":
            return self.pick(IPV4 + IPV6)
        if typ == "ARN":
            return self.pick(KEY_POOLS["aws:SourceArn"])
        if key.endswith("/team"):
            return self.pick(TEAMS)
        return self.pick(STRING_POOL)

    def request_context(self, action, p, ctx, resource):
        info = self.cat.curated[action]
        keys = set(info["keys"])
        keys |= {"aws:SourceIp", "aws:CurrentTime", "aws:SecureTransport", "aws:RequestedRegion",
                 "aws:SourceVpc", "aws:SourceVpce", "aws:UserAgent", "aws:TagKeys",
                 "aws:RequestTag/team", "aws:RequestTag/env", "aws:CalledVia",
                 "aws:ViaAWSService", "aws:ResourceAccount", "aws:ResourceOrgID"}
        if p["kind"] in ("session", "federated"):
            keys |= SESSION_ONLY
        if p["kind"] == "service":
            keys |= {"aws:SourceArn", "aws:SourceAccount"}
        if not resource.startswith("arn:aws:s3:"):  # S3 tag keys need bucket ABAC
            if resource != "*":
                keys |= {"aws:ResourceTag/team", "aws:ResourceTag/env"}
        else:
            keys = {k for k in keys if not k.lower().startswith(("aws:resourcetag/",
                                                                  "s3:buckettag/"))}
        keys -= PRINCIPAL_KEYS
        chosen = self.some(sorted(keys), 1, min(7, len(keys)))
        for k in chosen:
            ctx[k] = self.context_value(k, self.cat.key_type(k))
        if "aws:ResourceAccount" in ctx:
            ctx["aws:ResourceAccount"] = self._ra
        return ctx

    def cond_value(self, key, typ, base, ctx, as_json):
        """One policy value for `key` under operator family `base`; collides with ctx often."""
        cur = _ctx_lookup(ctx, key)
        r = self.r
        if base == "Null":
            return self.pick(["true", "false"])
        if base == "Bool":
            v = self.pick(["true", "false"])
            if as_json and self.chance(0.2):
                return v == "true"
            return v.upper() if self.chance(0.05) else v
        if base == "BinaryEquals":
            return self.pick(BIN_POL)
        if base.startswith("Numeric"):
            v = cur if isinstance(cur, str) and self.chance(0.4) else self.pick(NUMS_POL)
            if as_json and self.chance(0.2):
                try:
                    return int(v) if re.fullmatch(r"-?\d+", v) else float(v)
                except ValueError:
                    return v
            return v
        if base.startswith("Date"):
            if self.flagged and self.chance(0.15):  # ⚑ §3: epoch seconds
                return self.pick(["1735689600", "1767225600", 1735689600])
            return cur if isinstance(cur, str) and self.chance(0.4) else self.pick(POLICY_DATES)
        if base in ("IpAddress", "NotIpAddress"):
            if isinstance(cur, str) and self.chance(0.3):
                return cur
            return self.pick(CIDR4 + CIDR6)
        # String and Arn operators
        vals = _as_list(cur) if cur is not None else []
        cand = self.pick(vals) if vals and self.chance(0.6) else self.context_value(key, typ)
        if isinstance(cand, list):
            cand = self.pick(cand) if cand else "team"
        if r.random() < 0.15 and base not in ("StringEquals", "StringNotEquals"):
            cand = self._wildcard(cand)
        if "IgnoreCase" in base and self.chance(0.5):
            cand = cand.swapcase()
        if self.chance(0.12):
            cand = self._variable_for(cand, ctx, base)
        return cand

    def _wildcard(self, s):
        parts = s.split(":", 5)
        if s.startswith("arn:") and len(parts) == 6:  # keep six fields (§2 step 5: short ARNs ≈)
            field = self.pick([3, 4, 5, 5, 5]) if parts[3] else self.pick([4, 5, 5]) \
                if parts[4] else 5
            if field < 5:
                parts[field] = "*"
            else:
                parts[5] = self._wildcard(parts[5]) if parts[5] else "*"
            return ":".join(parts)
        if len(s) < 3:
            return s + "*"
        i = self.r.randrange(len(s))
        return self.pick([s[: len(s) // 2] + "*", "*" + s[-3:], s[:i] + "?" + s[i + 1:]])

    def _variable_for(self, value, ctx, base):
        opts = []
        if "alice" in value or "bob" in value:
            opts.append(re.sub("alice|bob", "${aws:username}", value))
        if "blue" in value or "red" in value:
            opts.append(re.sub("blue|red", "${aws:PrincipalTag/team}", value))
            opts.append(re.sub("blue|red", "${aws:PrincipalTag/team, 'blue'}", value))
        if value.startswith("arn:aws:") and len(value.split(":")) >= 6 and value.split(":")[4]:
            parts = value.split(":")
            parts[4] = "${aws:PrincipalAccount}"
            opts.append(":".join(parts))
        if not opts:
            opts = ["${aws:username}", "${aws:PrincipalTag/team}", "${aws:PrincipalTag/project}"]
        return self.pick(opts)

    def condition(self, ctx, action, allow_keys=None):
        info = self.cat.curated[action]
        pool = list(ctx.keys()) * 2 + [k for k in info["keys"] if k not in ctx][:6] + [
            "aws:PrincipalTag/team", "aws:PrincipalTag/project", "aws:SourceIp", "aws:username",
            "aws:MultiFactorAuthPresent", "aws:TagKeys", "aws:PrincipalOrgPaths",
            "aws:CurrentTime", "aws:MultiFactorAuthAge"]
        pool += [k for k in ctx if self.cat.key_type(k) in ("Numeric", "Date")] * 4
        if allow_keys is not None:
            pool = [k for k in pool if k in allow_keys] or list(allow_keys)
        cond = {}
        for _ in range(self.r.choices([1, 2, 3], [70, 25, 5])[0]):
            key = self.pick(pool)
            typ = self.cat.key_type(key)
            multi = typ.startswith("ArrayOf") or isinstance(_ctx_lookup(ctx, key), list)
            op = self._operator(key, typ, multi)
            base = op.split(":")[-1].replace("IfExists", "")
            n = self.r.choices([1, 2, 3], [65, 25, 10])[0]
            vals = [self.cond_value(key, typ, base, ctx, as_json=True) for _ in range(n)]
            vals = list(dict.fromkeys(json.dumps(v) for v in vals))
            vals = [json.loads(v) for v in vals]
            if base == "Null":
                vals = vals[:1]
            # write keys in varied case sometimes (§3: key names are case-insensitive)
            kname = key.lower() if self.chance(0.05) else key
            cond.setdefault(op, {})[kname] = vals[0] if len(vals) == 1 and self.chance(0.6) else vals
        return cond

    def _operator(self, key, typ, multi):
        r = self.r
        if r.random() < 0.07:
            return "Null"
        if key == "aws:PrincipalTag/bin" and r.random() < 0.7:
            return "BinaryEquals"
        if typ in ("Bool",):
            fam = ["Bool"]
        elif typ == "Numeric":
            fam = [f"Numeric{s}" for s in ("Equals", "NotEquals", "LessThan", "LessThanEquals",
                                          "GreaterThan", "GreaterThanEquals")]
        elif typ == "Date":
            fam = [f"Date{s}" for s in ("Equals", "NotEquals", "LessThan", "LessThanEquals",
                                       "GreaterThan", "GreaterThanEquals")]
        elif typ == "IPAddress":
            fam = ["IpAddress", "NotIpAddress"]
        elif typ in ("ARN", "ArrayOfARN"):
            fam = ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "StringEquals",
                   "StringLike"]
        else:
            fam = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
                   "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"]
        op = self.pick(fam)
        if r.random() < 0.15:
            op += "IfExists"
        if multi:
            if r.random() < 0.95:  # §3: without qualifier a multivalued key never matches (≈)
                op = self.pick(["ForAnyValue:", "ForAllValues:"]) + op
        elif r.random() < 0.04:
            op = self.pick(["ForAnyValue:", "ForAllValues:"]) + op
        return op

    def action_patterns(self, action, wide=True):
        svc, name = action.split(":")
        r = self.r
        opts = [
            (action, 30),
            (svc.upper() + ":" + name.lower() if svc != svc.upper() else action, 4),
            (svc + ":" + "".join(c.swapcase() if r.random() < 0.3 else c for c in name), 4),
            (svc + ":*", 12),
            (svc + ":" + name[: r.randint(1, max(1, len(name) - 1))] + "*", 10),
            (svc + ":" + self._qmark(name), 5),
            ("*", 4 if wide else 0),
            (self.pick(self.cat.by_service[svc]), 14),
            (self.pick(self.cat.curated), 10),
            (svc + ":Get*", 5),
        ]
        n = r.choices([1, 2, 3], [65, 25, 10])[0]
        out = []
        for _ in range(n):
            out.append(r.choices([o for o, _ in opts], [w for _, w in opts])[0])
        return list(dict.fromkeys(out))

    def _qmark(self, name):
        i = self.r.randrange(len(name))
        return name[:i] + "?" + name[i + 1:]

    def resource_patterns(self, target, p, rp_kind=None):
        """Resource patterns around the target ARN (or '*')."""
        r = self.r
        if target == "*":
            svc = None
            opts = [("*", 60), ("arn:aws:s3:::*", 10), (f"arn:aws:iam::{A}:*", 5),
                    (f"arn:aws:ec2:*:{A}:instance/*", 5)]
            return [r.choices([o for o, _ in opts], [w for _, w in opts])[0]]
        parts = target.split(":", 5)
        svc, res = parts[2], parts[5]
        prefix = ":".join(parts[:5]) + ":"
        opts = [(target, 25), ("*", 6 if rp_kind is None else 3)]
        # wildcard in the resource part
        cut = r.randint(1, max(1, len(res) - 1))
        opts += [(prefix + res[:cut] + "*", 10), (prefix + self._qmark(res), 4)]
        if "/" in res:
            opts.append((prefix + res.split("/")[0] + "/*", 10))
        if svc in ("ec2", "sqs", "kms", "lambda", "logs", "dynamodb", "secretsmanager"):
            opts.append((f"arn:aws:{svc}:*:{parts[4]}:" + res, 4))
            opts.append((f"arn:aws:{svc}:{parts[3]}:*:*", 4))
        # another resource of the same type
        other = self.resource_arn_like(target)
        opts.append((other, 8))
        # policy variables (§4)
        vres = res
        user = p.get("name")
        if user and user in vres and self.chance(0.8):
            vres = vres.replace(user, "${aws:username}", 1)
        for t in TEAMS:
            if t in vres:
                vres = vres.replace(t, self.pick(["${aws:PrincipalTag/team}",
                                                  "${aws:PrincipalTag/team, 'blue'}",
                                                  "${aws:PrincipalTag/project, 'red'}"]), 1)
                break
        if vres != res:
            opts.append((prefix + vres, 18))
        opts.append((prefix + (res.split("/")[0] + "/${*}" if "/" in res else res + "${*}"), 2))
        opts.append((prefix + (res.split("/")[0] + "/${aws:username}/*" if "/" in res
                               else "${aws:PrincipalTag/team}*"), 4))
        n = r.choices([1, 2, 3], [70, 22, 8])[0]
        out = [r.choices([o for o, _ in opts], [w for _, w in opts])[0] for _ in range(n)]
        return list(dict.fromkeys(out))

    def resource_arn_like(self, target):
        parts = target.split(":", 5)
        res = parts[5]
        for vals in PLACEHOLDERS.values():
            for v in vals:
                if v in res:
                    return ":".join(parts[:5]) + ":" + res.replace(v, self.pick(vals), 1)
        return target + "x"

    # ---- statements and documents
    def identity_statement(self, req, p, kind):
        r = self.r
        target_action, target_res = req["action"], req["resource"]
        deny_p = {"identity": 0.15, "pb": 0.1, "session": 0.1, "scp": 0.25}[kind]
        st = {"Effect": "Deny" if r.random() < deny_p else "Allow"}
        acts = self.action_patterns(target_action)
        if r.random() < 0.12:
            st["NotAction"] = self.one_or_list(
                [a for a in acts if a != "*"] or [self.pick(self.cat.curated)])
        else:
            st["Action"] = self.one_or_list(acts)
        res = self.resource_patterns(target_res, p)
        if r.random() < 0.1:
            st["NotResource"] = self.one_or_list([x for x in res if x != "*"] or [
                self.resource_arn_like(target_res) if target_res != "*" else "arn:aws:s3:::*"])
        else:
            st["Resource"] = self.one_or_list(res)
        if r.random() < 0.45:
            st["Condition"] = self.condition(req["context"], target_action)
        return st

    def document(self, statements, allow_old_version=True):
        r = self.r
        if self.chance(0.3):
            for i, st in enumerate(statements):
                st_items = list(st.items())
                st.clear()
                st["Sid"] = f"Stmt{i}{self.pick(['A', 'B', 'x'])}"
                st.update(st_items)
        doc = {}
        ver = "2012-10-17"
        if allow_old_version and r.random() < 0.08:
            ver = self.pick(["2008-10-17", None])
        if ver:
            doc["Version"] = ver
        doc["Statement"] = statements[0] if len(statements) == 1 and self.chance(0.15) else statements
        if ver != "2012-10-17" and "${" in json.dumps(doc) and not self.flagged:
            doc = {"Version": "2012-10-17", **{k: v for k, v in doc.items() if k != "Version"}}
        return doc

    def identity_docs(self, req, p, kind, n_docs=None):
        n_docs = n_docs or self.r.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]
        docs = []
        for _ in range(n_docs):
            n = self.r.choices([1, 2, 3, 4], [40, 30, 18, 12])[0]
            docs.append(self.document([self.identity_statement(req, p, kind) for _ in range(n)]))
        return docs

    def principal_entries(self, p, home, other):
        """Principal element values (AWS ARNs/ids) that match or miss the caller."""
        r = self.r
        kind = p["kind"]
        cands = [(home, 10), (f"arn:aws:iam::{home}:root", 8), (other, 4),
                 (f"arn:aws:iam::{other}:root", 3),
                 (f"arn:aws:iam::{home}:user/{self.pick(USERS[home])}", 6),
                 (f"arn:aws:iam::{home}:role/{self.pick(ROLES[home])}", 6),
                 ("*", 20 if kind == "anonymous" else 6)]
        if p.get("arn") and isinstance(p["arn"], str) and p["arn"].startswith("arn:"):
            cands.append((p["arn"], 16))
            if p.get("account") and p["account"] != home:
                cands += [(p["account"], 10), (f"arn:aws:iam::{p['account']}:root", 6)]
        if kind == "session":
            cands.append((p["role_arn"], 16))
            other_path = p["role_arn"].replace(":role/", ":role/other/").replace("/team/", "/")
            cands.append((other_path, 4))
            cands.append((f"arn:aws:sts::{p['account']}:assumed-role/{p['role']}/other", 3))
        if kind == "federated":
            cands.append((f"arn:aws:iam::{p['account']}:user/{p['name']}", 10))
        n = r.choices([1, 2, 3], [60, 30, 10])[0]
        out = [r.choices([c for c, _ in cands], [w for _, w in cands])[0] for _ in range(n)]
        return list(dict.fromkeys(out))

    def principal_element(self, p, home, other, allow_service=True):
        r = self.r
        if r.random() < (0.35 if p["kind"] == "anonymous" else 0.08):
            return "*"
        el = {}
        aws = self.principal_entries(p, home, other)
        svc_first = p["kind"] == "service" and r.random() < 0.7
        if not svc_first or r.random() < 0.3:
            el["AWS"] = self.one_or_list(aws)
        if allow_service and (svc_first or r.random() < 0.1):
            svcs = [p["arn"]] if p["kind"] == "service" else []
            svcs = list(dict.fromkeys(svcs + self.some(SERVICES, 1, 2)))
            el["Service"] = self.one_or_list(svcs[: r.randint(1, len(svcs))])
        return el or {"AWS": self.one_or_list(aws)}

    def resource_policy(self, req, p, home, other):
        r = self.r
        action = req["action"]
        svc = action.split(":")[0]
        kind = "trust" if svc == "sts" else RP_KIND[svc]
        target = req["resource"]
        sts = []
        if kind == "kms" and r.random() < 0.5:
            sts.append({"Sid": "EnableIAMUserPermissions", "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{home}:root"},
                        "Action": "kms:*", "Resource": "*"})
        for _ in range(r.choices([1, 2, 3], [50, 35, 15])[0]):
            deny = r.random() < 0.2
            st = {"Effect": "Deny" if deny else "Allow"}
            if deny and kind != "trust" and r.random() < 0.3:
                st["NotPrincipal"] = {"AWS": self.one_or_list(self.principal_entries(p, home, other))}
            else:
                st["Principal"] = self.principal_element(p, home, other)
            if kind == "trust":
                st["Action"] = self.one_or_list(self.some(
                    ["sts:AssumeRole", "sts:TagSession", "sts:AssumeRole*", "sts:*",
                     "sts:AssumeRoleWithWebIdentity"], 1, 2))
            else:
                st["Action"] = self.one_or_list(self.action_patterns(action, wide=False))
            if kind == "kms":
                st["Resource"] = "*"
            elif kind == "s3":
                bucket = target.split(":::")[1].split("/")[0]
                st["Resource"] = self.one_or_list(list(dict.fromkeys(
                    self.some([f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*",
                               f"arn:aws:s3:::{bucket}/${{aws:username}}/*", target], 1, 2))))
            elif kind != "trust" and r.random() < 0.8:
                st["Resource"] = self.one_or_list(self.resource_patterns(target, p, rp_kind=kind))
            if r.random() < 0.35:
                keys = None
                if kind == "trust":
                    keys = [k for k in req["context"]] + ["sts:ExternalId", "aws:PrincipalTag/team",
                                                         "aws:SourceIp", "aws:PrincipalOrgID"]
                st["Condition"] = self.condition(req["context"], action, allow_keys=keys)
            sts.append(st)
        return self.document(sts)

    def control_chain(self, req, p, kind):
        r = self.r
        levels = []
        svc = req["action"].split(":")[0]
        for i in range(r.choices([2, 3], [60, 40])[0]):
            level = []
            if kind == "scp":
                if r.random() < 0.03:
                    levels.append([])
                    continue
                if i == 0 or r.random() < 0.6:
                    level.append(self.document([{"Effect": "Allow", "Action": "*",
                                                 "Resource": "*"}]))
                else:
                    allowed = list(dict.fromkeys(
                        self.some(["s3:*", "iam:*", "sts:*", "kms:*", "ec2:*", "lambda:*",
                                   "sqs:*", "dynamodb:*", svc + ":*", svc + ":Get*",
                                   req["action"]], 1, 3)))
                    level.append(self.document([{"Effect": "Allow",
                                                 "Action": self.one_or_list(allowed),
                                                 "Resource": "*"}]))
                if r.random() < 0.2:
                    level.append(self.document([self.identity_statement(req, p, "scp")
                                                for _ in range(r.randint(1, 2))]))
            else:  # rcp: Deny only, Principal "*", Version 2012-10-17, no Action "*"
                if r.random() < 0.4:
                    sts = []
                    for _ in range(r.randint(1, 2)):
                        acts = [a for a in self.action_patterns(req["action"], wide=False)
                                if a != "*"] or [svc + ":*"]
                        st = {"Effect": "Deny", "Principal": "*", "Action": self.one_or_list(acts),
                              "Resource": self.one_or_list(self.resource_patterns(
                                  req["resource"], p, rp_kind="rcp"))}
                        if r.random() < 0.6:
                            st["Condition"] = self.pick([
                                {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID}},
                                {"BoolIfExists": {"aws:SecureTransport": "false"}},
                                {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                                 "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
                                {"StringNotEquals": {"aws:ResourceAccount": A}},
                                self.condition(req["context"], req["action"])])
                        sts.append(st)
                    level.append(self.document(sts, allow_old_version=False))
            levels.append(level)
        return levels

    # ---- one case
    def case(self, cid):
        r = self.r
        home = A if r.random() < 0.85 else B
        other = B if home == A else A
        p = self.principal(home)
        kind = p["kind"]
        actions = list(self.cat.curated)
        if kind in ("anonymous", "service"):  # "*" would need the caller's account
            actions = [a for a in actions if self.cat.curated[a]["rtype"]]
            if r.random() < 0.85:  # mostly resources that have a resource policy
                actions = [a for a in actions if a.split(":")[0] in RP_KIND or
                           a.startswith("sts:")]
        # sts:GetCallerIdentity is always allowed (§5 step 0): keep it rare
        actions = [a for a in actions if a != "sts:GetCallerIdentity" or r.random() < 0.1]
        action = self.pick(actions)
        svc = action.split(":")[0]
        has_rp_svc = svc in RP_KIND or svc == "sts"
        cross = r.random() < (0.6 if kind in ("anonymous", "service") else
                              0.4 if has_rp_svc else 0.08)
        racct = other if cross else (p["account"] or home)
        if kind in ("anonymous", "service") and not cross:
            racct = home
        resource = self.resource_arn(action, racct)
        if self.flagged and action in ("iam:AttachRolePolicy", "iam:PassRole") and self.chance(0.2):
            resource = f"arn:aws:iam::{racct}:role/aws-service-role/ec2.amazonaws.com/AWSServiceRoleForEC2"
        if self.flagged and action == "iam:CreatePolicyVersion" and self.chance(0.3):
            resource = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        if resource == "*":
            racct = p["account"]
        self._ra = racct
        in_org = kind not in ("anonymous", "service") and r.random() < 0.5
        req = {"principal": p["arn"], "action": action, "resource": resource}
        if resource.startswith("arn:aws:s3:") or r.random() < 0.2:
            req["resourceAccount"] = racct
        ctx = self.principal_context(p, in_org)
        ctx = self.request_context(action, p, ctx, resource)
        req["context"] = ctx
        case = {"id": cid, "engine": self.engine or ("core" if r.random() < 0.2 else "simulate"),
                "request": req, "identityPolicies": [], "resourcePolicy": None, "scps": None,
                "rcps": None, "permissionBoundaries": None, "sessionPolicy": None}
        if case["engine"] == "core":
            req["wildcardOnlyAction"] = self.cat.wildcard_only(action)
        if kind in ("user", "session", "federated", "root", "role"):
            if kind != "root" and r.random() < 0.93:
                case["identityPolicies"] = self.identity_docs(req, p, "identity")
            if kind in ("user", "session", "role") and r.random() < 0.22:
                case["permissionBoundaries"] = self.identity_docs(req, p, "pb", n_docs=1)
            if kind == "session" and r.random() < 0.28 or kind == "federated" and (
                    not self.flagged or r.random() < 0.7):
                case["sessionPolicy"] = self.identity_docs(req, p, "session", n_docs=1)[0]
            if r.random() < 0.3 and (in_org or r.random() < 0.3):
                case["scps"] = self.control_chain(req, p, "scp")
        if kind == "service" and self.flagged and r.random() < 0.2:
            case["scps"] = self.control_chain(req, {**p, "name": None}, "scp")
        has_rp = resource != "*" and (svc in RP_KIND or (svc == "sts" and resource != "*"))
        if has_rp and r.random() < (0.9 if cross or kind in ("anonymous", "service")
                                    or svc in ("sts", "kms") else 0.5):
            case["resourcePolicy"] = self.resource_policy(req, p, racct, other if racct == home
                                                          else home)
        if (svc in RCP_SERVICES or self.flagged) and r.random() < 0.22:
            case["rcps"] = self.control_chain(req, p, "rcp")
        return case


def nonws_len(doc):
    return len(re.sub(r"\s", "", json.dumps(doc, separators=(",", ":"))))


def generate(seed, count, include_flagged=False, engine=None, data_dir=None, catalog=None,
             max_tries=200):
    """Return `count` cases; case i depends only on (seed, i)."""
    cat = catalog or Catalog(data_dir or DEFAULT_DATA_DIR)
    cases = []
    for i in range(count):
        rng = random.Random(f"iamlog-gen:{seed}:{i}")
        g = Gen(cat, rng, include_flagged, engine)
        for _ in range(max_tries):
            c = g.case(f"gen-{seed}-{i:05d}")
            if any(nonws_len(d) > 2048 for _, d in _docs(c)):
                continue  # §1.1 size limits: stay under the smallest (2,048)
            fl = flags(c)
            if fl and not include_flagged:
                continue
            c["gen"] = {"features": features(c), "flags": fl}
            cases.append(c)
            break
        else:
            raise RuntimeError(f"case {i}: no acceptable case in {max_tries} tries")
    return cases


def main():
    ap = argparse.ArgumentParser(description="Generate random IAM request cases in the oracle's "
                                 "format (see the module docstring).")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--include-flagged", action="store_true",
                    help="also generate constructs where the oracle departs from AWS (⚑)")
    ap.add_argument("--engine", choices=["simulate", "core"],
                    help="force one oracle engine (default: ~80%% simulate, ~20%% core)")
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                    help="shared/data with aws-actions.tsv etc. (default: ../shared/data)")
    ap.add_argument("--out", help="write the cases here (default: stdout)")
    ap.add_argument("--stats", action="store_true", help="print the feature mix on stderr")
    args = ap.parse_args()
    cases = generate(args.seed, args.count, args.include_flagged, args.engine, args.data_dir)
    text = json.dumps(cases, indent=1) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.stats:
        cnt = collections.Counter(x for c in cases for x in c["gen"]["features"])
        fl = collections.Counter(x for c in cases for x in c["gen"]["flags"])
        print(f"{len(cases)} cases; features (cases using each):", file=sys.stderr)
        for k, v in sorted(cnt.items()):
            print(f"  {k:32} {v}", file=sys.stderr)
        if fl:
            print("flagged constructs:", dict(fl), file=sys.stderr)


if __name__ == "__main__":
    main()
