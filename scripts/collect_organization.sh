#!/usr/bin/env bash
# Collects AWS Organizations data into the one JSON file that `iamlog --input` reads
# (format: src/model/organizations.rs, README "Organizations").
#
# Needs: AWS CLI v2, python3, and credentials of the organisation's MANAGEMENT account (or of a
# delegated administrator for Organizations) allowed organizations:Describe* and
# organizations:List*. Member-account credentials cannot list the tree or the policies.
#
# Usage: scripts/collect_organization.sh > organization.json
#        (AWS_PROFILE, AWS_REGION and the other AWS CLI variables apply as usual)
#
# Calls: describe-organization, list-roots, list-organizational-units-for-parent and
# list-accounts-for-parent for the root and every OU, list-policies for SCPs and RCPs, and
# describe-policy and list-targets-for-policy for each policy. Outputs are kept verbatim; the
# CLI follows NextToken itself, so every page is in each output.
set -euo pipefail

command -v aws >/dev/null || { echo "collect_organization: the aws CLI is not installed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "collect_organization: python3 is not installed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

org() {
    aws organizations "$@" --output json
}

# ids FILE KEY: the "Id" of each object in the list FILE[KEY], one per line.
ids() {
    python3 -c 'import json, sys; sys.stdout.write("".join(x["Id"] + "\n" for x in json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"
}

org describe-organization >"$work/describe-organization.json"
org list-roots >"$work/list-roots.json"

# The tree, breadth first from the root.
mkdir "$work/ous" "$work/accounts"
mapfile -t parents < <(ids "$work/list-roots.json" Roots)
while [ "${#parents[@]}" -gt 0 ]; do
    next=()
    for parent in "${parents[@]}"; do
        org list-organizational-units-for-parent --parent-id "$parent" >"$work/ous/$parent.json"
        org list-accounts-for-parent --parent-id "$parent" >"$work/accounts/$parent.json"
        mapfile -t children < <(ids "$work/ous/$parent.json" OrganizationalUnits)
        next+=("${children[@]}")
    done
    parents=("${next[@]}")
done

# SCPs and RCPs, which only organisations with all features have. Any failing call stops the
# script: a partial file would decide wrongly.
mkdir "$work/policies" "$work/targets"
feature_set=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["Organization"].get("FeatureSet", ""))' "$work/describe-organization.json")
types=(SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY)
if [ "$feature_set" != ALL ]; then
    echo "collect_organization: FeatureSet is $feature_set, so there are no SCPs or RCPs to collect" >&2
    types=()
fi
for type in "${types[@]}"; do
    org list-policies --filter "$type" >"$work/list-$type.json"
    mapfile -t policies < <(ids "$work/list-$type.json" Policies)
    for id in "${policies[@]}"; do
        org describe-policy --policy-id "$id" >"$work/policies/$id.json"
        org list-targets-for-policy --policy-id "$id" >"$work/targets/$id.json"
    done
done

# Glue: each output verbatim under the name of its operation.
python3 - "$work" <<'EOF'
import json, os, sys

work = sys.argv[1]

def read(*path):
    with open(os.path.join(work, *path)) as f:
        return json.load(f)

def per_parent(folder):
    return [{"ParentId": name[:-len(".json")], **read(folder, name)}
            for name in sorted(os.listdir(os.path.join(work, folder)))]

out = {
    "DescribeOrganization": read("describe-organization.json"),
    "ListRoots": read("list-roots.json"),
    "ListOrganizationalUnitsForParent": per_parent("ous"),
    "ListAccountsForParent": per_parent("accounts"),
    "DescribePolicy": [{**read("policies", name), **read("targets", name)}
                       for name in sorted(os.listdir(os.path.join(work, "policies")))],
}
json.dump(out, sys.stdout, indent=2)
print()
EOF
