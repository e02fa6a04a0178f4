#!/usr/bin/env python3
"""Deterministic generator of synthetic AWS organisations, for benchmarks and load tests.

    python3 scripts/gen_org.py --users N --accounts K [--seed S] -o DIR [--pretty]

Writes, for (N, K, S) always the same bytes:

- DIR/authdetails-<account id>.json: one `aws iam get-account-authorization-details` output per
  account (UserDetailList, GroupDetailList, RoleDetailList, Policies; documents decoded, as the
  AWS CLI prints them). Each file stands alone, so single-account tools (PMapper, IAM-APE,
  cloudsplaining, parliament) read it as-is.
- DIR/organization.json: the AWS Organizations data in the layout `iamlog --input` reads (see
  src/model/organizations.rs): DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent,
  ListAccountsForParent, DescribePolicy (describe-policy + list-targets-for-policy).

Sizes, over the whole organisation: N users, N/10 groups, N/2 roles, N/5 customer managed
policies (the proportions of shared/tools/peers/gen_authdetails.py), split over the K accounts
by random weights (management and workload accounts hold more than log-archive or sandboxes).
Each account also has two permissions-boundary policies, and its `Policies` lists the AWS
managed policies it attaches, with their real documents (taken from
data/managed-policies/managed-policies.jsonl, which iamlog bundles).

Organisation: management account at the root; OUs Security, Infrastructure, Workloads/{Prod,
NonProd/{Staging,Dev}}, Sandbox, Suspended (depth 3). FullAWSAccess is attached to the root, every
OU and every account, as AWS does; deny guardrails: baseline (leave-org, CloudTrail/GuardDuty/
Config tampering except an admin role, root user), region allow-list (Workloads, Sandbox),
prod protections (IAM user credentials, MFA for destructive actions), sandbox limits (instance
types, IAM users, purchases), network lock (Infrastructure), deny-all (Suspended), and an
account-level IAM lock on the audit account.

What an account holds (shares are approximate):
- users with paths, team tags, 0-3 groups; ~6% service users; ~0.5% with AdministratorAccess
  attached and ~1.5% in an Admins group; ~5% with a permissions boundary; inline policies on ~20%
- roles: member accounts have OrganizationAccountAccessRole (trusts the management account,
  AdministratorAccess); every account has IAM Identity Center roles (SAML federated trust) and
  service-linked roles (/aws-service-role/). Other roles trust (of those): a service ~50% (ec2
  with an instance profile, lambda, ecs-tasks, cloudformation, codebuild, sagemaker, glue; some
  with aws:SourceAccount), the same account's root ~9%, same-account users ~8% (some with MFA),
  same-account roles (chains) ~8%, the root or a role of ANOTHER account of the organisation ~12%
  (a third with sts:ExternalId; outside accounts when there is only one account), accounts
  outside the organisation ~5% (mostly with sts:ExternalId), the account's GitHub OIDC provider
  ~5% (about a third without a :sub condition), Principal "*" with an aws:PrincipalOrgID or
  aws:PrincipalAccount condition ~0.5%; ~10% have a second statement. ~2% carry
  AdministratorAccess, ~5% a permissions boundary. Principals of other accounts that a trust
  names are often granted sts:AssumeRole on that role in their own account.
- statements: service and verb wildcards, exact actions, resources matched to the actions
  (S3 buckets and objects, tables, queues, keys, log groups, ${aws:username}); ~8% Deny (most
  with a negated condition), ~7% NotAction (PowerUser-like Allow, force-MFA Deny), ~3% NotResource, ~20% with a Condition
  (MFA, SourceIp, RequestedRegion, PrincipalTag, ResourceTag with ABAC variables, SecureTransport,
  SourceVpce).
- privilege-escalation grants (~15% of statements): iam:PassRole (often to roles trusting the
  service the companion action hands it to), sts:AssumeRole on specific roles, role/* and roles
  of other accounts that trust this one, CreateAccessKey/LoginProfile, Put/Attach User/Group/
  RolePolicy, CreatePolicyVersion, SetDefaultPolicyVersion, UpdateAssumeRolePolicy,
  AddUserToGroup, CreateRole with an iam:PermissionsBoundary condition, lambda:CreateFunction,
  UpdateFunctionCode, ec2:RunInstances, ssm:SendCommand/StartSession, cloudformation/codebuild/
  glue/sagemaker/ecs; some customer policies keep an older, broader version.
- every document respects the IAM size limits (inline per entity, managed 6,144, SCP 5,120).
"""
import argparse
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MANAGED_JSONL = os.path.join(HERE, "..", "data", "managed-policies", "managed-policies.jsonl")

REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "us-west-2"]
FIRST = ("alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert "
         "sybil trent victor walter yasmin zoe liam noah emma ava mia lucas mateo sofia aria omar "
         "fatima hiro yuki chen wei priya arjun ana diego lena jonas elif emre kofi amara sven "
         "ingrid pierre chloe").split()
LAST = ("smith jones garcia miller davis lopez wilson anderson thomas taylor moore martin lee "
        "walker hall young king wright scott green baker adams nelson hill campbell mitchell "
        "roberts carter phillips evans turner torres parker collins edwards stewart morris murphy "
        "cook rogers morgan peterson cooper reed bailey bell kim nguyen patel schmidt").split()
TEAMS = "platform data web mobile payments security sre ml finance support growth identity".split()
GROUP_FUNCS = "developers readonly operators oncall analysts deployers auditors leads contractors interns".split()
APPS = ("payments checkout search catalog identity analytics orders inventory shipping "
        "notifications reporting recommendations pricing ledger onboarding messaging media gateway "
        "billing fraud").split()
COMPONENTS = "api worker ingest etl scheduler web processor sync export batch".split()
ENVS = ["prod", "staging", "dev"]
SVC_USERS = "jenkins terraform ci-bot backup monitoring deploy etl-loader legacy-app s3-sync".split()
VENDORS = "datadog-integration snyk-scanner wiz-access splunk-ingest cloudhealth pagerduty".split()

# Service principals of role trusts: (principal, weight, short name used in role names).
SERVICE_TRUST = [("ec2.amazonaws.com", 30, "ec2"), ("lambda.amazonaws.com", 30, "lambda"),
                 ("ecs-tasks.amazonaws.com", 12, "task"), ("cloudformation.amazonaws.com", 5, "cfn"),
                 ("codebuild.amazonaws.com", 5, "codebuild"), ("sagemaker.amazonaws.com", 3, "sagemaker"),
                 ("glue.amazonaws.com", 3, "glue")]

# Trust kinds of ordinary roles and their weights.
TRUST_KINDS = [("service", 50), ("root", 9), ("user", 8), ("chain", 8), ("org", 12), ("external", 5),
               ("github", 5), ("star", 0.5)]

# AWS managed policies attached to users and groups (name, weight).
AWS_FOR_PEOPLE = [("ReadOnlyAccess", 2), ("ViewOnlyAccess", 3), ("PowerUserAccess", 3),
                  ("AmazonS3ReadOnlyAccess", 6), ("AmazonS3FullAccess", 2), ("SecurityAudit", 2),
                  ("IAMUserChangePassword", 6), ("AmazonEC2ReadOnlyAccess", 4),
                  ("CloudWatchReadOnlyAccess", 4), ("AmazonDynamoDBReadOnlyAccess", 3),
                  ("AWSCloudFormationReadOnlyAccess", 2), ("SecretsManagerReadWrite", 1),
                  ("AmazonSSMReadOnlyAccess", 2), ("DataScientist", 1), ("DatabaseAdministrator", 1),
                  ("NetworkAdministrator", 1), ("SystemAdministrator", 1), ("SupportUser", 1),
                  ("AWSBillingReadOnlyAccess", 1), ("IAMFullAccess", 0.5), ("AmazonEC2FullAccess", 1),
                  ("AWSLambda_FullAccess", 1), ("AmazonVPCFullAccess", 0.5)]
# AWS managed policies typical of a service's roles.
AWS_FOR_SERVICE = {
    "ec2.amazonaws.com": ["AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy", "AmazonS3ReadOnlyAccess"],
    "lambda.amazonaws.com": ["AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSXRayDaemonWriteAccess"],
    "ecs-tasks.amazonaws.com": ["AmazonECSTaskExecutionRolePolicy", "AmazonEC2ContainerRegistryReadOnly"],
    "cloudformation.amazonaws.com": ["PowerUserAccess", "AmazonVPCFullAccess"],
    "codebuild.amazonaws.com": ["AmazonEC2ContainerRegistryReadOnly", "AWSCodeBuildDeveloperAccess"],
    "sagemaker.amazonaws.com": ["AmazonSageMakerFullAccess", "AmazonS3FullAccess"],
    "glue.amazonaws.com": ["AWSGlueServiceRole", "AmazonS3FullAccess"],
}
# Service-linked roles: (role name, service principal, AWS managed policy, only in which accounts).
SERVICE_LINKED = [("AWSServiceRoleForSupport", "support.amazonaws.com", "AWSSupportServiceRolePolicy", "all"),
                  ("AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com",
                   "AWSTrustedAdvisorServiceRolePolicy", "all"),
                  ("AWSServiceRoleForOrganizations", "organizations.amazonaws.com",
                   "AWSOrganizationsServiceTrustPolicy", "management"),
                  ("AWSServiceRoleForSSO", "sso.amazonaws.com", "AWSSSOServiceRolePolicy", "all"),
                  ("AWSServiceRoleForECS", "ecs.amazonaws.com", "AmazonECSServiceRolePolicy", "workload")]

# Exact actions and the kind of resource each acts on ("*" = no resource type).
EXACT = [("s3:GetObject", "obj"), ("s3:PutObject", "obj"), ("s3:DeleteObject", "obj"),
         ("s3:ListBucket", "bucket"), ("s3:GetBucketLocation", "bucket"), ("s3:ListAllMyBuckets", "*"),
         ("dynamodb:GetItem", "table"), ("dynamodb:PutItem", "table"), ("dynamodb:Query", "table"),
         ("dynamodb:Scan", "table"), ("dynamodb:UpdateItem", "table"), ("dynamodb:BatchWriteItem", "table"),
         ("sqs:SendMessage", "queue"), ("sqs:ReceiveMessage", "queue"), ("sqs:DeleteMessage", "queue"),
         ("sqs:GetQueueAttributes", "queue"), ("sns:Publish", "topic"), ("kms:Decrypt", "key"),
         ("kms:Encrypt", "key"), ("kms:GenerateDataKey", "key"), ("logs:CreateLogGroup", "loggroup"),
         ("logs:CreateLogStream", "loggroup"), ("logs:PutLogEvents", "loggroup"),
         ("secretsmanager:GetSecretValue", "secret"), ("secretsmanager:DescribeSecret", "secret"),
         ("ssm:GetParameter", "param"), ("ssm:GetParameters", "param"), ("ssm:GetParametersByPath", "param"),
         ("ec2:DescribeInstances", "*"), ("ec2:DescribeSecurityGroups", "*"), ("ec2:DescribeSubnets", "*"),
         ("ec2:DescribeVpcs", "*"), ("ec2:StartInstances", "instance"), ("ec2:StopInstances", "instance"),
         ("ec2:RebootInstances", "instance"), ("ecr:GetAuthorizationToken", "*"),
         ("ecr:BatchGetImage", "repo"), ("ecr:GetDownloadUrlForLayer", "repo"),
         ("ecr:BatchCheckLayerAvailability", "repo"), ("ecr:PutImage", "repo"),
         ("lambda:InvokeFunction", "function"), ("lambda:GetFunction", "function"),
         ("states:StartExecution", "statemachine"), ("cloudwatch:PutMetricData", "*"),
         ("cloudwatch:GetMetricData", "*"), ("cloudwatch:DescribeAlarms", "*"), ("rds:DescribeDBInstances", "db"),
         ("athena:StartQueryExecution", "workgroup"), ("athena:GetQueryResults", "workgroup"),
         ("kinesis:PutRecord", "stream"), ("kinesis:PutRecords", "stream"), ("kinesis:GetRecords", "stream"),
         ("events:PutEvents", "eventbus"), ("sts:GetCallerIdentity", "*"), ("xray:PutTraceSegments", "*"),
         ("cloudformation:DescribeStacks", "stack")]
# Services for `svc:Verb*` and `svc:*`: the resource kind used for them, and the verbs that match
# at least one of their actions (checked against data/catalog/actions.txt).
_ALL = "Describe Get List Put Create Delete Update"
WILD_SERVICES = [("s3", "s3", _ALL), ("ec2", "*", _ALL), ("dynamodb", "table", _ALL + " BatchGet"),
                 ("sqs", "queue", "Get List Create Delete"), ("sns", "topic", "Get List Put Create Delete"),
                 ("kms", "key", _ALL), ("logs", "loggroup", _ALL), ("cloudwatch", "*", _ALL + " BatchGet"),
                 ("lambda", "function", "Get List Put Create Delete Update"),
                 ("rds", "db", "Describe List Create Delete"), ("secretsmanager", "secret", _ALL),
                 ("ssm", "param", _ALL), ("ecr", "repo", _ALL + " BatchGet"), ("ecs", "*", _ALL),
                 ("glue", "*", _ALL + " BatchGet"), ("athena", "workgroup", "Get List Put Create Delete Update"),
                 ("kinesis", "stream", _ALL), ("elasticloadbalancing", "*", "Describe Get Create Delete"),
                 ("route53", "*", "Get List Create Delete Update"), ("cloudfront", "*", _ALL),
                 ("apigateway", "*", "Get List Put Create Delete Update"),
                 ("states", "statemachine", "Describe Get List Create Delete Update"), ("events", "eventbus", _ALL),
                 ("codebuild", "*", _ALL + " BatchGet"), ("codepipeline", "*", "Get List Put Create Delete Update"),
                 ("cloudformation", "stack", "Describe Get List Create Delete Update")]
WILD_SERVICES = [(svc, kind, verbs.split()) for svc, kind, verbs in WILD_SERVICES]
# Privilege-escalation actions (action, weight).
PRIVESC = [("iam:PassRole", 12), ("sts:AssumeRole", 14), ("iam:CreateAccessKey", 5),
           ("iam:CreateLoginProfile", 2), ("iam:UpdateLoginProfile", 2), ("iam:PutUserPolicy", 3),
           ("iam:AttachUserPolicy", 3), ("iam:PutGroupPolicy", 2), ("iam:AttachGroupPolicy", 2),
           ("iam:PutRolePolicy", 4), ("iam:AttachRolePolicy", 4), ("iam:CreatePolicyVersion", 3),
           ("iam:SetDefaultPolicyVersion", 1), ("iam:UpdateAssumeRolePolicy", 3), ("iam:AddUserToGroup", 3),
           ("iam:CreateRole", 2), ("lambda:CreateFunction", 4), ("lambda:UpdateFunctionCode", 3),
           ("ec2:RunInstances", 4), ("ssm:SendCommand", 3), ("ssm:StartSession", 2),
           ("cloudformation:CreateStack", 2), ("codebuild:CreateProject", 1), ("glue:CreateDevEndpoint", 1),
           ("sagemaker:CreateNotebookInstance", 1), ("ecs:RunTask", 1),
           ("ec2-instance-connect:SendSSHPublicKey", 1)]
# Actions that hand a role to a service: the service, and actions that usually go with it.
HANDS_ROLE = {"lambda:CreateFunction": ("lambda.amazonaws.com", ["lambda:InvokeFunction"]),
              "ec2:RunInstances": ("ec2.amazonaws.com", []),
              "cloudformation:CreateStack": ("cloudformation.amazonaws.com", ["cloudformation:DescribeStacks"]),
              "codebuild:CreateProject": ("codebuild.amazonaws.com", ["codebuild:StartBuild"]),
              "glue:CreateDevEndpoint": ("glue.amazonaws.com", []),
              "sagemaker:CreateNotebookInstance": ("sagemaker.amazonaws.com",
                                                   ["sagemaker:CreatePresignedNotebookInstanceUrl"]),
              "ecs:RunTask": ("ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition"])}
FORCE_MFA_EXCEPT = ["iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
                    "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
                    "sts:GetSessionToken"]
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
EPOCH_2018 = 1514764800
SIX_YEARS = 6 * 365 * 86400

# Per-kind share of an account's entities and where it sits in the OU tree.
ACCOUNT_KINDS = {"management": (1.0, "root"), "audit": (0.6, "security"), "log-archive": (0.2, "security"),
                 "network": (0.4, "infrastructure"), "shared-services": (1.0, "infrastructure"),
                 "prod": (1.5, "prod"), "staging": (0.8, "staging"), "dev": (1.2, "dev"),
                 "sandbox": (0.3, "sandbox")}
FIRST_KINDS = ["management", "prod", "dev", "audit", "log-archive", "network", "staging", "shared-services",
               "sandbox"]
LATER_KINDS = ["prod", "dev", "staging", "prod", "dev", "sandbox"]
OUS = [("security", "Security", "root"), ("infrastructure", "Infrastructure", "root"),
       ("workloads", "Workloads", "root"), ("prod", "Prod", "workloads"), ("nonprod", "NonProd", "workloads"),
       ("staging", "Staging", "nonprod"), ("dev", "Dev", "nonprod"), ("sandbox", "Sandbox", "root"),
       ("suspended", "Suspended", "root")]


def doc(statements):
    return {"Version": "2012-10-17", "Statement": statements}


def compact_len(d):
    return len(json.dumps(d, separators=(",", ":")))


def fit(statements, limit):
    """Drops statements from the end until the document fits `limit` characters (keeps one)."""
    while len(statements) > 1 and compact_len(doc(statements)) > limit:
        statements.pop()
    return statements


def cum(weighted):
    """(items, cumulative weights) of [(item, weight), ...], for random.choices."""
    out, t = [], 0.0
    for _, w in weighted:
        t += w
        out.append(t)
    return [x for x, _ in weighted], out


def largest_remainder(total, weights, minimum=0):
    """Splits `total` into integers proportional to `weights` (each >= minimum if possible)."""
    k = len(weights)
    base = [minimum] * k if total >= minimum * k else [0] * k
    rest = total - sum(base)
    s = sum(weights)
    shares = [rest * w / s for w in weights]
    out = [b + int(x) for b, x in zip(base, shares)]
    left = total - sum(out)
    order = sorted(range(k), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[:left]:
        out[i] += 1
    return out


class Names:
    """Unique names within one account (IAM names are unique ignoring case)."""

    def __init__(self):
        self.used = set()
        self.count = {}

    def take(self, base):
        key = base.lower()
        if key not in self.used:
            self.used.add(key)
            return base
        n = self.count.get(key, 1)
        while True:
            n += 1
            cand = f"{base}{n}"
            if cand.lower() not in self.used:
                self.count[key] = n
                self.used.add(cand.lower())
                return cand


class Org:
    """Phase 1: the organisation, its accounts and the names (and trusts) of everything in them."""

    def __init__(self, users, accounts, seed):
        self.seed = seed
        tag = f"gen_org/{seed}/{users}/{accounts}"
        self.tag = tag
        r = random.Random(tag + "/org")
        self.r = r
        self.org_id = "o-" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        self.root_id = "r-" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(4))
        self.ou_ids = {}
        for key, _, _ in OUS:
            self.ou_ids[key] = f"ou-{self.root_id[2:]}-" + "".join(
                r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
        ids = set()
        while len(ids) < accounts + 8:
            ids.add(str(r.randrange(100000000000, 999999999999)))
        ids = sorted(ids)
        r.shuffle(ids)
        self.external = ids[accounts:]  # accounts outside the organisation (vendors, partners)
        self.accounts = []
        app_of_env = {}
        sandboxes = 0
        for i in range(accounts):
            kind = FIRST_KINDS[i] if i < len(FIRST_KINDS) else LATER_KINDS[(i - len(FIRST_KINDS)) % len(LATER_KINDS)]
            if kind in ("prod", "staging", "dev"):
                n = app_of_env.get(kind, 0)
                app_of_env[kind] = n + 1
                app = APPS[n % len(APPS)] + (str(n // len(APPS) + 1) if n >= len(APPS) else "")
                name = f"{app}-{kind}"
            elif kind == "sandbox":
                name = f"sandbox-{TEAMS[sandboxes % len(TEAMS)]}" + (
                    str(sandboxes // len(TEAMS) + 1) if sandboxes >= len(TEAMS) else "")
                sandboxes += 1
            else:
                name = kind
            weight, ou = ACCOUNT_KINDS[kind]
            self.accounts.append({"id": ids[i], "name": name, "kind": kind, "ou": ou,
                                  "weight": weight * r.uniform(0.7, 1.3)})
        self.mgmt = self.accounts[0]["id"]
        w = [a["weight"] for a in self.accounts]
        for key, total, minimum in (("n_users", users, 0), ("n_groups", max(1, users // 10), 0),
                                    ("n_roles", max(1, users // 2), 0), ("n_policies", max(1, users // 5), 0)):
            for a, n in zip(self.accounts, largest_remainder(total, w, minimum)):
                a[key] = n
        for i, a in enumerate(self.accounts):
            self.plan_names(i, a)
        self.incoming = {a["id"]: [] for a in self.accounts}
        for i, a in enumerate(self.accounts):
            self.plan_trusts(i, a)

    # --- names ---

    def plan_names(self, i, a):
        r = random.Random(f"{self.tag}/names/{i}")
        a["r"] = r
        acct = a["id"]
        names = Names()
        users = []
        for _ in range(a["n_users"]):
            if r.random() < 0.06:
                base = f"svc-{r.choice(APPS)}-{r.choice(SVC_USERS)}"
                path = r.choice(["/service-accounts/", "/"])
            else:
                base = f"{r.choice(FIRST)}.{r.choice(LAST)}"
                path = r.choices(["/", "/engineering/", "/contractors/", "/ops/"], cum_weights=[6, 8, 9, 10])[0]
            n = names.take(base)
            users.append((n, path, f"arn:aws:iam::{acct}:user{path}{n}"))
        a["users"] = users
        gnames = Names()
        groups = []
        special = ["Admins", "Developers", "ReadOnly", "Billing", "SecurityAuditors"]
        for j in range(a["n_groups"]):
            base = special[j] if j < len(special) else f"{r.choice(TEAMS)}-{r.choice(GROUP_FUNCS)}"
            n = gnames.take(base)
            path = "/" if j < len(special) or r.random() < 0.8 else f"/{r.choice(TEAMS)}/"
            groups.append((n, path, f"arn:aws:iam::{acct}:group{path}{n}"))
        a["groups"] = groups
        rnames = Names()
        roles = []
        specials = []
        if acct != self.mgmt:
            specials.append({"kind": "orgaccess", "name": "OrganizationAccountAccessRole", "path": "/"})
        for perm in ("AdministratorAccess", "ViewOnlyAccess", "PowerUserAccess"):
            specials.append({"kind": "sso", "perm": perm, "path": "/aws-reserved/sso.amazonaws.com/",
                             "name": f"AWSReservedSSO_{perm}_{r.getrandbits(64):016x}"})
        for name, svc, pol, where in SERVICE_LINKED:
            if where == "all" or (where == "management" and acct == self.mgmt) or (
                    where == "workload" and a["kind"] in ("prod", "staging", "dev")):
                specials.append({"kind": "linked", "name": name, "svc": svc, "policy": pol,
                                 "path": f"/aws-service-role/{svc}/"})
        kinds, kcum = cum(TRUST_KINDS)
        svcs, scum = cum([(s, w) for s, w, _ in SERVICE_TRUST])
        short = {s: sh for s, _, sh in SERVICE_TRUST}
        for j in range(a["n_roles"]):
            if j < len(specials):
                role = specials[j]
                rnames.take(role["name"])
            else:
                kind = r.choices(kinds, cum_weights=kcum)[0]
                app = r.choice(APPS)
                role = {"kind": kind, "app": app, "path": "/"}
                if kind == "service":
                    svc = r.choices(svcs, cum_weights=scum)[0]
                    role["svc"] = svc
                    base = f"{app}-{r.choice(COMPONENTS)}-{short[svc]}"
                    if r.random() < 0.3:
                        role["path"] = "/service-role/"
                    if r.random() < 0.4:
                        base += "-role"
                elif kind == "org":
                    base = f"{app}-" + r.choice(["cross-account-deploy", "audit-readonly", "log-shipper",
                                                 "network-admin", "ci-deployer", "terraform-apply"])
                elif kind == "external":
                    base = r.choice(VENDORS)
                elif kind == "github":
                    base = f"github-actions-{app}-" + r.choice(["deploy", "plan", "publish"])
                else:
                    base = f"{app}-" + r.choice(["admin", "operator", "deploy", "readonly", "support",
                                                 "breakglass", "terraform", "automation", "oncall"])
                    if r.random() < 0.1:
                        role["path"] = f"/{r.choice(TEAMS)}/"
                role["name"] = rnames.take(base)
            role["arn"] = f"arn:aws:iam::{acct}:role{role['path']}{role['name']}"
            roles.append(role)
        a["roles"] = roles
        pnames = Names()
        policies = []
        for _ in range(a["n_policies"]):
            n = pnames.take(f"{r.choice(APPS)}-{r.choice(COMPONENTS)}-" + r.choice(
                ["access", "policy", "readwrite", "readonly", "deploy", "ops"]))
            path = "/" if r.random() < 0.85 else f"/{r.choice(TEAMS)}/"
            policies.append((n, path, f"arn:aws:iam::{acct}:policy{path}{n}"))
        a["policies"] = policies
        a["boundaries"] = [f"arn:aws:iam::{acct}:policy/boundary/{n}" for n in ("developer-boundary",
                                                                                 "workload-boundary")]
        a["root_trusted"] = []  # roles that trust the account: identity policies must allow them
        a["by_service"] = {}
        for role in roles:
            if role["kind"] == "root":
                a["root_trusted"].append(role["arn"])
            if role["kind"] == "service":
                a["by_service"].setdefault(role["svc"], []).append(role["arn"])

    # --- trusts across accounts ---

    def plan_trusts(self, i, a):
        """Picks the other account of each `org` role and records what it may assume there."""
        r = a["r"]
        others = [b for b in self.accounts if b["id"] != a["id"]]
        for role in a["roles"]:
            if role["kind"] == "orgaccess":
                self.incoming[self.mgmt].append((role["arn"], None))
            elif role["kind"] == "org":
                if not others:
                    role["kind"] = "external"
                    continue
                b = r.choice(others)
                role["from"] = b["id"]
                if r.random() < 0.4 and b["roles"]:
                    src = r.choice(b["roles"])
                    if src["kind"] in ("sso", "linked"):
                        src = None
                else:
                    src = None
                role["from_arn"] = src["arn"] if src else f"arn:aws:iam::{b['id']}:root"
                role["external_id"] = r.random() < 0.33
                self.incoming[b["id"]].append((role["arn"], src["name"] if src else None))


class Account:
    """Phase 2: the authorization details of one account."""

    def __init__(self, org, a, managed):
        self.org = org
        self.a = a
        self.acct = a["id"]
        self.r = random.Random(f"{org.tag}/body/{a['id']}")
        self.managed = managed
        self.used_aws = {}
        self.privesc_actions, self.privesc_cum = cum(PRIVESC)
        self.people, self.people_cum = cum(AWS_FOR_PEOPLE)
        self.role_names = [ro["arn"] for ro in a["roles"] if ro["kind"] != "linked"]
        # Roles that other roles of the account may chain from.
        self.chain_sources = [ro["arn"] for ro in a["roles"] if ro["kind"] not in ("linked", "sso")]

    # --- small helpers ---

    def rid(self, prefix):
        x = self.r.getrandbits(85)
        out = [prefix]
        for _ in range(17):
            out.append(B32[x & 31])
            x >>= 5
        return "".join(out)

    def date(self):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH_2018 + self.r.randrange(SIX_YEARS)))

    def region(self):
        return self.r.choice(("us-east-1", "eu-west-1", "eu-west-1", "*"))

    def aws_arn(self, name):
        m = self.managed[name]
        self.used_aws[name] = self.used_aws.get(name, 0) + 1
        return f"arn:aws:iam::aws:policy{m['p']}{name}"

    def bucket(self):
        r = self.r
        return f"{r.choice(APPS)}-{r.choice(ENVS)}-{r.choice(['data', 'logs', 'artifacts', 'uploads', 'backups'])}-{self.acct}"

    def resource(self, kind):
        r, acct = self.r, self.acct
        app = r.choice(APPS)
        if kind == "*":
            return ["*"]
        if kind == "obj":
            if r.random() < 0.05:
                return [f"arn:aws:s3:::{self.bucket()}/home/${{aws:username}}/*"]
            return [f"arn:aws:s3:::{self.bucket()}/*"]
        if kind == "bucket":
            return [f"arn:aws:s3:::{self.bucket()}"]
        if kind == "s3":
            b = self.bucket() if r.random() < 0.85 else f"{app}-*"
            return [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]
        reg = self.region()
        if kind == "table":
            return [f"arn:aws:dynamodb:{reg}:{acct}:table/{app}-" + r.choice(["*", "orders", "sessions", "events"])]
        if kind == "queue":
            return [f"arn:aws:sqs:{reg}:{acct}:{app}-*"]
        if kind == "topic":
            return [f"arn:aws:sns:{reg}:{acct}:{app}-" + r.choice(["*", "alerts", "events"])]
        if kind == "key":
            return [f"arn:aws:kms:{reg}:{acct}:key/" + ("*" if r.random() < 0.5 else
                                                       "%08x-%04x-4%03x-8%03x-%012x" % (
                                                           r.getrandbits(32), r.getrandbits(16), r.getrandbits(12),
                                                           r.getrandbits(12), r.getrandbits(48)))]
        if kind == "loggroup":
            return [f"arn:aws:logs:{reg}:{acct}:log-group:/aws/lambda/{app}-*"]
        if kind == "secret":
            return [f"arn:aws:secretsmanager:{reg}:{acct}:secret:{app}/*"]
        if kind == "param":
            return [f"arn:aws:ssm:{reg}:{acct}:parameter/{app}/*"]
        if kind == "instance":
            return [f"arn:aws:ec2:{reg}:{acct}:instance/*"]
        if kind == "repo":
            return [f"arn:aws:ecr:{reg}:{acct}:repository/{app}-*"]
        if kind == "function":
            return [f"arn:aws:lambda:{reg}:{acct}:function:{app}-*"]
        if kind == "statemachine":
            return [f"arn:aws:states:{reg}:{acct}:stateMachine:{app}-*"]
        if kind == "db":
            return [f"arn:aws:rds:{reg}:{acct}:db:{app}-*"]
        if kind == "workgroup":
            return [f"arn:aws:athena:{reg}:{acct}:workgroup/{app}"]
        if kind == "stream":
            return [f"arn:aws:kinesis:{reg}:{acct}:stream/{app}-*"]
        if kind == "eventbus":
            return [f"arn:aws:events:{reg}:{acct}:event-bus/" + r.choice(["default", app])]
        if kind == "stack":
            return [f"arn:aws:cloudformation:{reg}:{acct}:stack/{app}-*/*"]
        return ["*"]

    def condition(self, deny=False):
        r = self.r
        k = r.random()
        if deny:
            if k < 0.4:
                return {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
            if k < 0.7:
                return {"NotIpAddress": {"aws:SourceIp": [f"10.{r.randrange(256)}.0.0/16", "203.0.113.0/24"]}}
            if k < 0.9:
                return {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}
            return {"Bool": {"aws:SecureTransport": "false"}}
        if k < 0.25:
            return {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        if k < 0.40:
            return {"IpAddress": {"aws:SourceIp": [f"10.{r.randrange(256)}.0.0/16", "198.51.100.0/24"]}}
        if k < 0.55:
            return {"StringEquals": {"aws:RequestedRegion": r.choice(REGIONS)}}
        if k < 0.70:
            return {"StringEquals": {"aws:PrincipalTag/team": r.choice(TEAMS)}}
        if k < 0.90:
            if r.random() < 0.5:
                return {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
            return {"StringEquals": {"aws:ResourceTag/env": r.choice(ENVS)}}
        if k < 0.95:
            return {"Bool": {"aws:SecureTransport": "true"}}
        return {"StringEquals": {"aws:SourceVpce": f"vpce-{r.getrandbits(68):017x}"}}

    # --- privilege-escalation grants ---

    def some_role(self, pool=None):
        r = self.r
        pool = pool or self.role_names
        return r.choice(pool) if pool else f"arn:aws:iam::{self.acct}:role/{r.choice(APPS)}-*"

    def role_pattern(self):
        r, acct = self.r, self.acct
        k = r.random()
        if k < 0.5:
            return f"arn:aws:iam::{acct}:role/{r.choice(APPS)}-*"
        if k < 0.85:
            return f"arn:aws:iam::{acct}:role/*"
        return "*"

    def privesc(self):
        """One privilege-escalation grant: a list of statements."""
        r, acct, a = self.r, self.acct, self.a
        action = r.choices(self.privesc_actions, cum_weights=self.privesc_cum)[0]
        out = []
        k = r.random()
        st = {"Effect": "Allow", "Action": action}
        if action == "iam:PassRole":
            st["Resource"] = self.some_role() if k < 0.6 else self.role_pattern()
            if r.random() < 0.3:
                svc = r.choice(SERVICE_TRUST)[0]
                st["Condition"] = {"StringEquals": {"iam:PassedToService": svc}}
        elif action == "sts:AssumeRole":
            incoming = self.org.incoming[acct]
            if k < 0.35:
                st["Resource"] = self.some_role(a["root_trusted"])
            elif k < 0.6 and incoming:
                st["Resource"] = r.choice(incoming)[0]
            elif k < 0.7:
                st["Resource"] = f"arn:aws:iam::*:role/{r.choice(['OrganizationAccountAccessRole', 'ci-deployer', 'audit-readonly'])}"
            elif k < 0.8:
                st["Resource"] = sorted({self.some_role(), self.some_role()})
            else:
                st["Resource"] = self.role_pattern()
        elif action in ("iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
                        "iam:PutUserPolicy", "iam:AttachUserPolicy"):
            if k < 0.6 or not a["users"]:
                st["Resource"] = f"arn:aws:iam::{acct}:user/${{aws:username}}"
            elif k < 0.85:
                st["Resource"] = r.choice(a["users"])[2]
            elif k < 0.95:
                st["Resource"] = f"arn:aws:iam::{acct}:user/*"
            else:
                st["Resource"] = "*"
        elif action in ("iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:AddUserToGroup"):
            st["Resource"] = r.choice(a["groups"])[2] if k < 0.7 and a["groups"] else f"arn:aws:iam::{acct}:group/*"
        elif action in ("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"):
            st["Resource"] = self.some_role() if k < 0.65 else self.role_pattern()
            if action == "iam:AttachRolePolicy" and r.random() < 0.2 and a["policies"]:
                st["Condition"] = {"ArnEquals": {"iam:PolicyARN": [r.choice(a["policies"])[2]]}}
        elif action in ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"):
            st["Resource"] = r.choice(a["policies"])[2] if k < 0.7 and a["policies"] else f"arn:aws:iam::{acct}:policy/*"
        elif action == "iam:CreateRole":
            st["Action"] = ["iam:CreateRole", r.choice(["iam:AttachRolePolicy", "iam:PutRolePolicy"])]
            st["Resource"] = f"arn:aws:iam::{acct}:role/{r.choice(APPS)}-*" if k < 0.6 else "*"
            if r.random() < 0.6:
                st["Condition"] = {"StringEquals": {"iam:PermissionsBoundary": r.choice(a["boundaries"])}}
        elif action in HANDS_ROLE:
            svc, extra = HANDS_ROLE[action]
            acts = sorted({action, *extra})
            st["Action"] = acts if len(acts) > 1 else action
            st["Resource"] = "*"
            if r.random() < 0.6:  # with the PassRole it needs, to roles that trust that service
                pr = {"Effect": "Allow", "Action": "iam:PassRole",
                      "Resource": self.some_role(a["by_service"].get(svc)) if r.random() < 0.7 else self.role_pattern()}
                if r.random() < 0.4:
                    pr["Condition"] = {"StringEquals": {"iam:PassedToService": svc}}
                out.append(pr)
        elif action == "lambda:UpdateFunctionCode":
            st["Resource"] = self.resource("function")[0] if k < 0.6 else "*"
        elif action in ("ssm:SendCommand", "ssm:StartSession"):
            inst = f"arn:aws:ec2:{self.region()}:{acct}:instance/*"
            if k < 0.5:
                st["Resource"] = "*"
            elif action == "ssm:SendCommand":
                st["Resource"] = [inst, "arn:aws:ssm:*:*:document/AWS-RunShellScript"]
            else:
                st["Resource"] = inst
            if r.random() < 0.3:
                st["Condition"] = {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
        elif action == "ec2-instance-connect:SendSSHPublicKey":
            st["Resource"] = f"arn:aws:ec2:{self.region()}:{acct}:instance/*"
        else:
            st["Resource"] = "*"
        out.append(st)
        return out

    # --- ordinary statements ---

    def statement(self, privesc_bias):
        """A list of statements (one, or a privilege-escalation grant with its companions)."""
        r, acct = self.r, self.acct
        k = r.random()
        if k < privesc_bias:
            return self.privesc()
        deny = r.random() < 0.08
        st = {"Effect": "Deny" if deny else "Allow"}
        k = r.random()
        if k < 0.07:
            if deny:  # force MFA: deny everything but managing one's own MFA without it
                st["NotAction"] = FORCE_MFA_EXCEPT
                st["Resource"] = "*"
                st["Condition"] = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
            else:  # PowerUser-style: everything but IAM and Organizations
                st["NotAction"] = sorted({"iam:*", "organizations:*", *r.sample(["account:*", "sts:*", "kms:*"],
                                                                                 r.randint(0, 2))})
                st["Resource"] = "*"
            return [st]
        if k < 0.10:
            if r.random() < 0.5:
                b = self.bucket()
                st["Action"] = "s3:*"
                st["NotResource"] = [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]
            else:
                st["Action"] = "iam:*"
                st["NotResource"] = [f"arn:aws:iam::{acct}:role/OrganizationAccountAccessRole",
                                     f"arn:aws:iam::{acct}:role/aws-reserved/*"]
        else:
            acts, kinds = [], []
            for _ in range(r.randint(1, 5)):
                u = r.random()
                if u < 0.35:
                    svc, kind, verbs = r.choice(WILD_SERVICES)
                    acts.append(f"{svc}:{r.choice(verbs)}*")
                elif u < 0.42:
                    svc, kind, _ = r.choice(WILD_SERVICES)
                    acts.append(f"{svc}:*")
                else:
                    act, kind = r.choice(EXACT)
                    acts.append(act)
                kinds.append(kind)
            acts = sorted(set(acts))
            st["Action"] = acts[0] if len(acts) == 1 and r.random() < 0.5 else acts
            if r.random() < 0.35 or "*" in kinds:
                st["Resource"] = "*"
            else:
                res = []
                for kind in dict.fromkeys(kinds):
                    res.extend(self.resource(kind))
                res = sorted(set(res))
                st["Resource"] = res[0] if len(res) == 1 else res
        if r.random() < (0.6 if deny else 0.2):
            st["Condition"] = self.condition(deny)
        return [st]

    def statements(self, lo, hi, privesc_bias=0.15):
        out = []
        for _ in range(self.r.randint(lo, hi)):
            out.extend(self.statement(privesc_bias))
        if self.r.random() < 0.4:
            for i, st in enumerate(out):
                out[i] = {"Sid": f"S{i}", **st}
        return out

    # --- entities ---

    def pick_managed(self, n, admin_p, customer_p=0.7, service=None):
        r, a = self.r, self.a
        out = []
        if r.random() < admin_p:
            out.append(self.aws_arn("AdministratorAccess"))
        if service and r.random() < 0.8:
            out.append(self.aws_arn(r.choice(AWS_FOR_SERVICE[service])))
        for _ in range(n):
            if r.random() < customer_p and a["policies"]:
                out.append(r.choice(a["policies"])[2])
            else:
                out.append(self.aws_arn(r.choices(self.people, cum_weights=self.people_cum)[0]))
        return list(dict.fromkeys(out))

    @staticmethod
    def attached(arns):
        return [{"PolicyName": x.rsplit("/", 1)[1], "PolicyArn": x} for x in arns]

    def inline(self, owner, n, lo, hi, limit, bias=0.15, extra=None):
        """`n` inline policies sharing the entity's `limit` of characters."""
        out = []
        budget = limit
        for j in range(n):
            sts = list(extra or []) if j == 0 else []
            sts.extend(self.statements(lo, hi, bias))
            sts = fit(sts, budget - 40)
            d = doc(sts)
            size = compact_len(d)
            if size > budget - 40:
                break
            budget -= size + 40  # the name counts too, roughly
            out.append({"PolicyName": f"{owner}-inline-{j + 1}", "PolicyDocument": d})
        return out

    def boundary_policies(self):
        acct = self.acct
        dev = doc([{"Sid": "AllowWorkloadServices", "Effect": "Allow",
                    "Action": ["s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "lambda:*", "cloudwatch:*",
                               "ec2:Describe*", "ecr:*", "ecs:*", "kms:Decrypt", "kms:GenerateDataKey",
                               "secretsmanager:GetSecretValue", "ssm:GetParameter*", "sts:AssumeRole",
                               "iam:PassRole", "iam:Get*", "iam:List*"], "Resource": "*"},
                   {"Sid": "DenyBoundaryChanges", "Effect": "Deny",
                    "Action": ["iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
                               "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
                    "Resource": "*"},
                   {"Sid": "RolesOnlyWithThisBoundary", "Effect": "Deny",
                    "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"], "Resource": "*",
                    "Condition": {"StringNotEquals": {
                        "iam:PermissionsBoundary": f"arn:aws:iam::{acct}:policy/boundary/developer-boundary"}}}])
        work = doc([{"Sid": "AllowData", "Effect": "Allow",
                     "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:*", "sqs:*",
                                "logs:CreateLogStream", "logs:PutLogEvents", "kms:Decrypt", "xray:PutTraceSegments"],
                     "Resource": "*"},
                    {"Sid": "DenyIam", "Effect": "Deny", "Action": ["iam:*", "organizations:*", "sts:AssumeRole"],
                     "Resource": "*"}])
        return [("developer-boundary", dev), ("workload-boundary", work)]

    def managed_policy(self, name, path, arn, versions):
        default = versions[0]
        return {"PolicyName": name, "PolicyId": self.rid("ANPA"), "Arn": arn, "Path": path,
                "DefaultVersionId": default[0], "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True, "CreateDate": self.date(), "UpdateDate": self.date(),
                "PolicyVersionList": [{"Document": d, "VersionId": v, "IsDefaultVersion": i == 0,
                                       "CreateDate": self.date()} for i, (v, d) in enumerate(versions)]}

    def build(self):
        r, a, acct, org = self.r, self.a, self.acct, self.org
        # Grants that match trusts of other accounts (and of OrganizationAccountAccessRole).
        role_extra, group_extra, policy_extra = {}, {}, {}
        by_name = {ro["name"]: k for k, ro in enumerate(a["roles"])}
        incoming = org.incoming[acct]
        if len(incoming) > 40:  # the management account: grant a sample, and a wildcard once
            incoming = r.sample(incoming, 40)
        for target, src in incoming:
            if r.random() < 0.4:
                continue
            st = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": target}
            if src is not None and src in by_name:
                role_extra.setdefault(by_name[src], []).append(st)
            elif a["groups"] and r.random() < 0.5:
                group_extra.setdefault(r.randrange(len(a["groups"])), []).append(st)
            elif a["policies"]:
                policy_extra.setdefault(r.randrange(len(a["policies"])), []).append(st)

        policies = []
        for k, (name, path, arn) in enumerate(a["policies"]):
            sts = policy_extra.get(k, []) + self.statements(1, 6)
            sts = fit(sts, 6144)
            versions = [("v1", doc(sts))]
            u = r.random()
            if u < 0.3:
                nv = 2 if u < 0.25 else 3
                olds = []
                for v in range(nv - 1, 0, -1):
                    if r.random() < 0.1:  # an older version that granted more
                        old = [{"Effect": "Allow", "Action": r.choice(["*", "iam:*", "s3:*"]), "Resource": "*"}]
                    else:
                        old = sts[:max(1, len(sts) - 1)]
                    olds.append((f"v{v}", doc(old)))
                versions = [(f"v{nv}", doc(sts))] + olds
            policies.append(self.managed_policy(name, path, arn, versions))
        for name, d in self.boundary_policies():
            policies.append(self.managed_policy(name, "/boundary/", f"arn:aws:iam::{acct}:policy/boundary/{name}",
                                                [("v1", d)]))

        groups = []
        for k, (name, path, arn) in enumerate(a["groups"]):
            if name == "Admins":
                att = [self.aws_arn("AdministratorAccess")]
            elif name == "ReadOnly":
                att = [self.aws_arn("ViewOnlyAccess")]
            elif name == "Billing":
                att = [self.aws_arn("Billing")]
            elif name == "SecurityAuditors":
                att = [self.aws_arn("SecurityAudit")]
            else:
                att = self.pick_managed(r.randint(0, 3), admin_p=0.005)
            n_inline = 1 if (k in group_extra or r.random() < 0.3) else 0
            groups.append({"Path": path, "GroupName": name, "GroupId": self.rid("AGPA"), "Arn": arn,
                           "CreateDate": self.date(),
                           "GroupPolicyList": self.inline(name, n_inline, 1, 3, 5120, extra=group_extra.get(k)),
                           "AttachedManagedPolicies": self.attached(att)})

        group_names = [g[0] for g in a["groups"]]
        ordinary = group_names[1:] if len(group_names) > 1 else group_names
        users = []
        for name, path, arn in a["users"]:
            gl = set()
            if group_names and group_names[0] == "Admins" and r.random() < 0.015:
                gl.add("Admins")
            for _ in range(r.choice((0, 1, 1, 1, 2, 3)) if ordinary else 0):
                gl.add(r.choice(ordinary))
            ent = {"Path": path, "UserName": name, "UserId": self.rid("AIDA"), "Arn": arn, "CreateDate": self.date(),
                   "UserPolicyList": self.inline(name, 1 if r.random() < 0.2 else 0, 1, 2, 2048),
                   "GroupList": sorted(gl),
                   "AttachedManagedPolicies": self.attached(
                       self.pick_managed(r.randint(0, 2) if r.random() < 0.4 else 0, admin_p=0.005)),
                   "Tags": [{"Key": "team", "Value": r.choice(TEAMS)},
                            {"Key": "cost-center", "Value": f"cc-{r.randrange(100, 140)}"}]}
            if r.random() < 0.05:
                ent["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                              "PermissionsBoundaryArn": a["boundaries"][0]}
            users.append(ent)

        roles = [self.role(k, ro, role_extra.get(k)) for k, ro in enumerate(a["roles"])]

        # Real attachment counts, and the AWS managed policies the account uses.
        counts, bcounts = {}, {}
        for ent in users + groups + roles:
            for p in ent["AttachedManagedPolicies"]:
                counts[p["PolicyArn"]] = counts.get(p["PolicyArn"], 0) + 1
            b = ent.get("PermissionsBoundary")
            if b:
                bcounts[b["PermissionsBoundaryArn"]] = bcounts.get(b["PermissionsBoundaryArn"], 0) + 1
        for name in sorted(self.used_aws):
            m = self.managed[name]
            p = self.managed_policy(name, m["p"], f"arn:aws:iam::aws:policy{m['p']}{name}", [(m["v"], m["d"])])
            p["PolicyId"] = m["id"]
            policies.append(p)
        for p in policies:
            p["AttachmentCount"] = counts.get(p["Arn"], 0)
            p["PermissionsBoundaryUsageCount"] = bcounts.get(p["Arn"], 0)
        return {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}

    def trust(self, ro):
        r, a, acct, org = self.r, self.a, self.acct, self.org
        kind = ro["kind"]
        st = {"Effect": "Allow"}
        if kind == "service":
            st["Principal"] = {"Service": ro["svc"]}
            st["Action"] = "sts:AssumeRole"
            if ro["svc"] != "ec2.amazonaws.com" and r.random() < 0.3:
                st["Condition"] = {"StringEquals": {"aws:SourceAccount": acct}}
        elif kind == "root":
            st["Principal"] = {"AWS": f"arn:aws:iam::{acct}:root" if r.random() < 0.85 else acct}
            st["Action"] = "sts:AssumeRole"
            if r.random() < 0.3:
                st["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        elif kind == "user":
            if a["users"]:
                us = sorted({r.choice(a["users"])[2] for _ in range(r.randint(1, 3))})
                st["Principal"] = {"AWS": us if len(us) > 1 else us[0]}
            else:
                st["Principal"] = {"AWS": f"arn:aws:iam::{acct}:root"}
            st["Action"] = "sts:AssumeRole"
            if r.random() < 0.4:
                st["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        elif kind == "chain":
            pool = self.chain_sources
            srcs = sorted({r.choice(pool) for _ in range(r.randint(1, 2))} - {ro["arn"]})
            srcs = srcs or [f"arn:aws:iam::{acct}:root"]
            st["Principal"] = {"AWS": srcs if len(srcs) > 1 else srcs[0]}
            st["Action"] = "sts:AssumeRole"
        elif kind == "org":
            st["Principal"] = {"AWS": ro["from_arn"]}
            st["Action"] = "sts:AssumeRole"
            if ro["external_id"]:
                st["Condition"] = {"StringEquals": {"sts:ExternalId": f"{ro['app']}-{r.getrandbits(40):010x}"}}
        elif kind == "external":
            ext = r.choice(org.external)
            st["Principal"] = {"AWS": f"arn:aws:iam::{ext}:root" if r.random() < 0.8 else
                               f"arn:aws:iam::{ext}:role/{r.choice(VENDORS)}"}
            st["Action"] = "sts:AssumeRole"
            if r.random() < 0.8:
                st["Condition"] = {"StringEquals": {"sts:ExternalId": f"{r.getrandbits(96):024x}"}}
        elif kind == "github":
            st["Principal"] = {"Federated": f"arn:aws:iam::{acct}:oidc-provider/token.actions.githubusercontent.com"}
            st["Action"] = "sts:AssumeRoleWithWebIdentity"
            cond = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
            if r.random() < 0.7:
                repo = f"repo:acme-corp/{ro['app']}"
                sub = r.choice([f"{repo}:ref:refs/heads/main", f"{repo}:environment:prod", f"{repo}:*",
                                f"{repo}:pull_request"])
                cond["StringLike"] = {"token.actions.githubusercontent.com:sub": sub}
            st["Condition"] = cond
        elif kind == "star":
            st["Principal"] = {"AWS": "*"}
            st["Action"] = "sts:AssumeRole"
            st["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": org.org_id}} if r.random() < 0.7 else {
                "StringEquals": {"aws:PrincipalAccount": r.choice(org.accounts)["id"]}}
        elif kind == "orgaccess":
            st["Principal"] = {"AWS": f"arn:aws:iam::{org.mgmt}:root"}
            st["Action"] = "sts:AssumeRole"
        elif kind == "sso":
            st["Principal"] = {"Federated": f"arn:aws:iam::{acct}:saml-provider/AWSSSO_{r.getrandbits(64):016x}_DO_NOT_DELETE"}
            st["Action"] = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
            st["Condition"] = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        elif kind == "linked":
            st["Principal"] = {"Service": ro["svc"]}
            st["Action"] = "sts:AssumeRole"
        statements = [st]
        if kind in ("service", "root", "user", "chain") and r.random() < 0.1:
            second = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "sts:AssumeRole"}
            if kind == "root":
                second = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            statements.append(second)
        return doc(statements)

    def role(self, k, ro, extra):
        r, acct = self.r, self.acct
        kind = ro["kind"]
        trust = self.trust(ro)
        inline = []
        boundary = None
        if kind == "orgaccess":
            att = [self.aws_arn("AdministratorAccess")]
        elif kind == "sso":
            att = [self.aws_arn(ro["perm"])]
            if r.random() < 0.3:
                inline = [{"PolicyName": "AwsSSOInlinePolicy",
                           "PolicyDocument": doc([{"Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"],
                                                   "Resource": "*"}])}]
        elif kind == "linked":
            att = [self.aws_arn(ro["policy"])]
        else:
            att = self.pick_managed(r.randint(0, 3), admin_p=0.02, service=ro.get("svc"))
            n_inline = r.choice((0, 0, 1, 1, 2))
            if extra and not n_inline:
                n_inline = 1
            inline = self.inline(ro["name"], n_inline, 1, 4, 10240, bias=0.2, extra=extra)
            if r.random() < 0.05:
                boundary = self.a["boundaries"][1]
        ent = {"Path": ro["path"], "RoleName": ro["name"], "RoleId": self.rid("AROA"), "Arn": ro["arn"],
               "CreateDate": self.date(), "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
               "RolePolicyList": inline, "AttachedManagedPolicies": self.attached(att),
               "Tags": [] if kind in ("linked", "sso") else [
                   {"Key": "env", "Value": r.choice(ENVS)}, {"Key": "team", "Value": r.choice(TEAMS)},
                   {"Key": "app", "Value": ro.get("app", "platform")}],
               "RoleLastUsed": {"LastUsedDate": self.date(), "Region": r.choice(REGIONS)} if r.random() < 0.6 else {}}
        if boundary:
            ent["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
        if ro.get("svc") == "ec2.amazonaws.com" and kind == "service" and r.random() < 0.9:
            name = ro["name"]
            ent["InstanceProfileList"].append({
                "Path": "/", "InstanceProfileName": name, "InstanceProfileId": self.rid("AIPA"),
                "Arn": f"arn:aws:iam::{acct}:instance-profile/{name}", "CreateDate": ent["CreateDate"],
                "Roles": [{x: ent[x] for x in ("Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                                "AssumeRolePolicyDocument")}]})
        return ent


# --- the organisation file ---

def organization_json(org):
    mgmt = org.mgmt
    oid = org.org_id
    rid = org.root_id

    def arn(kind, x):
        return f"arn:aws:organizations::{mgmt}:{kind}/{oid}/{x}"

    r = random.Random(org.tag + "/orgfile")
    parent_of = {key: parent for key, _, parent in OUS}
    name_of = {key: name for key, name, _ in OUS}
    node_id = {"root": rid, **org.ou_ids}
    ou_lists = []
    for parent in ["root"] + [k for k, _, _ in OUS]:
        kids = [k for k, _, p in OUS if p == parent]
        ou_lists.append({"ParentId": node_id[parent], "OrganizationalUnits": [
            {"Id": node_id[k], "Arn": arn("ou", node_id[k]), "Name": name_of[k]} for k in kids]})
    acct_lists = []
    for parent in ["root"] + [k for k, _, _ in OUS]:
        accts = []
        for a in org.accounts:
            if a["ou"] == parent:
                joined = time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00",
                                       time.gmtime(EPOCH_2018 + r.randrange(SIX_YEARS)))
                accts.append({"Id": a["id"], "Arn": arn("account", a["id"]),
                              "Email": f"aws+{a['name']}@acme-corp.example", "Name": a["name"], "Status": "ACTIVE",
                              "JoinedMethod": "INVITED" if a["id"] == mgmt or r.random() < 0.1 else "CREATED",
                              "JoinedTimestamp": joined})
        acct_lists.append({"ParentId": node_id[parent], "Accounts": accts})

    def target(key_or_account):
        if key_or_account == "root":
            return {"TargetId": rid, "Arn": f"arn:aws:organizations::{mgmt}:root/{oid}/{rid}", "Name": "Root",
                    "Type": "ROOT"}
        if isinstance(key_or_account, str):
            x = node_id[key_or_account]
            return {"TargetId": x, "Arn": arn("ou", x), "Name": name_of[key_or_account],
                    "Type": "ORGANIZATIONAL_UNIT"}
        a = key_or_account
        return {"TargetId": a["id"], "Arn": arn("account", a["id"]), "Name": a["name"], "Type": "ACCOUNT"}

    admin_roles = ["arn:aws:iam::*:role/OrganizationAccountAccessRole",
                   "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_AdministratorAccess_*"]
    scps = [
        ("baseline-guardrails", "Org-wide deny guardrails", ["root"], [
            {"Sid": "DenyLeaveOrganization", "Effect": "Deny", "Action": "organizations:LeaveOrganization",
             "Resource": "*"},
            {"Sid": "ProtectSecurityServices", "Effect": "Deny",
             "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                        "guardduty:DeleteDetector", "guardduty:DisassociateFromMasterAccount",
                        "config:DeleteConfigurationRecorder", "config:StopConfigurationRecorder"],
             "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": admin_roles}}},
            {"Sid": "DenyRootUser", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]),
        ("region-allowlist", "Only approved regions for regional services", ["workloads", "sandbox"], [
            {"Sid": "DenyOutsideApprovedRegions", "Effect": "Deny",
             "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*",
                           "budgets:*", "waf:*", "health:*", "trustedadvisor:*", "globalaccelerator:*",
                           "account:*", "ce:*", "sso:*"],
             "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1", "us-east-1"]},
                           "ArnNotLike": {"aws:PrincipalArn": admin_roles[:1]}}}]),
        ("prod-protections", "Production guardrails", ["prod"], [
            {"Sid": "DenyIamUserCredentials", "Effect": "Deny",
             "Action": ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"], "Resource": "*",
             "Condition": {"ArnNotLike": {"aws:PrincipalArn": admin_roles[:1]}}},
            {"Sid": "RequireMfaForDestructiveActions", "Effect": "Deny",
             "Action": ["ec2:TerminateInstances", "rds:DeleteDBInstance", "rds:DeleteDBCluster", "s3:DeleteBucket",
                        "dynamodb:DeleteTable", "kms:ScheduleKeyDeletion"], "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
            {"Sid": "DenyPublicAccessBlockChanges", "Effect": "Deny",
             "Action": ["s3:PutAccountPublicAccessBlock", "s3:PutBucketPublicAccessBlock"], "Resource": "*",
             "Condition": {"ArnNotLike": {"aws:PrincipalArn": admin_roles}}}]),
        ("sandbox-limits", "Keep sandboxes cheap and credential-free", ["sandbox"], [
            {"Sid": "SmallInstancesOnly", "Effect": "Deny", "Action": "ec2:RunInstances",
             "Resource": "arn:aws:ec2:*:*:instance/*",
             "Condition": {"StringNotLike": {"ec2:InstanceType": ["t3.*", "t3a.*", "t4g.*"]}}},
            {"Sid": "NoIamUsers", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"],
             "Resource": "*"},
            {"Sid": "NoCommitments", "Effect": "Deny",
             "Action": ["ec2:PurchaseReservedInstancesOffering", "savingsplans:CreateSavingsPlan",
                        "rds:PurchaseReservedDBInstancesOffering"], "Resource": "*"}]),
        ("network-lock", "Only network admins change VPC plumbing", ["infrastructure"], [
            {"Sid": "NetworkAdminsOnly", "Effect": "Deny",
             "Action": ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:CreateInternetGateway", "ec2:AttachInternetGateway",
                        "ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection",
                        "ec2:CreateTransitGatewayVpcAttachment"], "Resource": "*",
             "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/*network-admin*"] + admin_roles}}}]),
        ("deny-all", "Suspended accounts", ["suspended"], [
            {"Sid": "DenyEverything", "Effect": "Deny", "Action": "*", "Resource": "*"}]),
    ]
    audit = [a for a in org.accounts if a["kind"] == "audit"]
    if audit:
        scps.append(("audit-iam-lock", "Only administrators change IAM in the audit account", audit[:1], [
            {"Sid": "DenyIamWrites", "Effect": "Deny",
             "Action": ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Attach*", "iam:Detach*", "iam:Update*",
                        "iam:PassRole"], "Resource": "*",
             "Condition": {"ArnNotLike": {"aws:PrincipalArn": admin_roles}}}]))
    full = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    policies = [{"Policy": {"PolicySummary": {
        "Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
        "Name": "FullAWSAccess", "Description": "Allows access to every operation",
        "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True}, "Content": json.dumps(full, indent=4)},
        "Targets": [target("root")] + [target(k) for k, _, _ in OUS] + [target(a) for a in org.accounts]}]
    for name, desc, targets, statements in scps:
        pid = "p-" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
        content = json.dumps(doc(statements), indent=4)
        assert len(content) <= 5120, (name, len(content))
        policies.append({"Policy": {"PolicySummary": {
            "Id": pid, "Arn": f"arn:aws:organizations::{mgmt}:policy/{oid}/service_control_policy/{pid}",
            "Name": name, "Description": desc, "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": False},
            "Content": content}, "Targets": [target(t) for t in targets]})
    mgmt_name = org.accounts[0]["name"]
    return {
        "DescribeOrganization": {"Organization": {
            "Id": oid, "Arn": f"arn:aws:organizations::{mgmt}:organization/{oid}", "FeatureSet": "ALL",
            "MasterAccountArn": arn("account", mgmt), "MasterAccountId": mgmt,
            "MasterAccountEmail": f"aws+{mgmt_name}@acme-corp.example"}},
        "ListRoots": {"Roots": [{"Id": rid, "Arn": f"arn:aws:organizations::{mgmt}:root/{oid}/{rid}", "Name": "Root",
                                 "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]},
        "ListOrganizationalUnitsForParent": ou_lists,
        "ListAccountsForParent": acct_lists,
        "DescribePolicy": policies,
    }


# --- AWS managed policies ---

def load_managed(path):
    """The AWS managed policies this generator attaches, from iamlog's bundled data."""
    wanted = {"AdministratorAccess", "ViewOnlyAccess", "PowerUserAccess", "Billing", "SecurityAudit"}
    wanted.update(n for n, _ in AWS_FOR_PEOPLE)
    wanted.update(n for v in AWS_FOR_SERVICE.values() for n in v)
    wanted.update(p for _, _, p, _ in SERVICE_LINKED)
    out = {}
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        sys.exit(f"gen_org.py: cannot read the AWS managed policies ({e}); pass --managed-policies")
    with f:
        for line in f:
            # Lines start with {"n":"<name>",...: look at the name before parsing the line.
            head = line[:200]
            i = head.find('"n":"')
            if i < 0:
                continue
            name = head[i + 5:head.find('"', i + 5)]
            if name in wanted and name not in out:
                o = json.loads(line)
                if "p" in o:
                    out[name] = {"p": o["p"], "v": o["v"], "d": o["d"]}
    missing = sorted(wanted - set(out))
    if missing:
        sys.exit(f"gen_org.py: AWS managed policies missing from {path}: {', '.join(missing)}")
    r = random.Random("gen_org/aws-policy-ids")
    for name in sorted(out):  # AWS managed policies have the same ID in every account
        out[name]["id"] = "ANPA" + "".join(r.choice(B32) for _ in range(17))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, required=True, help="IAM users in the whole organisation")
    ap.add_argument("--accounts", type=int, default=5, help="accounts in the organisation (default 5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--pretty", action="store_true", help="indent the JSON (bigger, slower)")
    ap.add_argument("--managed-policies", default=MANAGED_JSONL, help="AWS managed policies (JSON lines)")
    args = ap.parse_args()
    if args.users < 1 or args.accounts < 1:
        ap.error("--users and --accounts must be at least 1")
    t0 = time.perf_counter()
    managed = load_managed(args.managed_policies)
    org = Org(args.users, args.accounts, args.seed)
    os.makedirs(args.out, exist_ok=True)
    indent = 2 if args.pretty else None
    total = 0
    counts = [0, 0, 0, 0]
    for a in org.accounts:
        data = Account(org, a, managed).build()
        path = os.path.join(args.out, f"authdetails-{a['id']}.json")
        with open(path, "w", encoding="utf-8") as f:
            # json.dumps, unlike json.dump, uses the C encoder when not indenting
            f.write(json.dumps(data, indent=indent))
            f.write("\n")
        total += os.path.getsize(path)
        for i, key in enumerate(("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")):
            counts[i] += len(data[key])
        del data
    path = os.path.join(args.out, "organization.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(organization_json(org), f, indent=2)
        f.write("\n")
    total += os.path.getsize(path)
    print(f"gen_org.py: {args.out}: {len(org.accounts)} accounts, {counts[0]} users, {counts[1]} groups, "
          f"{counts[2]} roles, {counts[3]} policies (customer + boundaries + AWS managed, per account); "
          f"{total / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
