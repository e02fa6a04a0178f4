#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs taken from the repository's examples and test
# data (the corpus itself is not committed). Run from anywhere; idempotent.
set -euo pipefail
cd "$(dirname "$0")"
root=..
c=corpus
mkdir -p $c/policy_text $c/load_authdetails $c/load_organizations $c/load_resources $c/lang $c/query $c/decide

# A seed for the loaders is a mode byte followed by the text (see each target's doc comment).
seed() { # seed TARGET NAME MODE FILE
  { printf "\\x$(printf %02x "$3")"; cat "$4"; } > "$c/$1/$2"
}

for f in $root/examples/policies/*.json; do
  cp "$f" $c/policy_text/
  seed load_authdetails "doc-$(basename "$f")" 1 "$f"
  seed load_authdetails "enc-$(basename "$f")" 2 "$f"
  seed load_organizations "scp-$(basename "$f")" 1 "$f"
  seed load_resources "policy-$(basename "$f")" 1 "$f"
done
for f in $root/examples/org/authdetails-*.json $root/tests/data/authdetails-*.json; do
  seed load_authdetails "file-$(basename "$f")" 0 "$f"
done
seed load_organizations org-examples.json 0 $root/examples/org/organization.json
seed load_organizations org-tests.json 0 $root/tests/data/organization.json
seed load_resources resources.json 0 $root/examples/org/resource-policies.json
cp $root/examples/org.iam $c/lang/
# The README's example of the text language.
sed -n '/^# A comment runs/,/^```$/p' $root/README.md | sed '$d' > $c/lang/readme.iam
printf 'can user/alice s3:GetObject on arn:aws:s3:::b/k with aws:SourceIp = 10.0.0.1, x = "a b"' > $c/query/can
printf 'can arn:aws:iam::111111111111:role/r sts:AssumeRole on *' > $c/query/can-role
echo "seeded $(find $c -type f | wc -l) files in fuzz/$c"
