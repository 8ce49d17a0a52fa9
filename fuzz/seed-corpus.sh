#!/usr/bin/env bash
# Seeds the fuzz corpora from the catalog's golden examples (schemas/<vendor>/examples/*.json).
# The corpus directories are gitignored; run this once before `cargo fuzz run`, and again after
# adding examples. Existing corpus files (what earlier runs found) are kept.
set -euo pipefail
cd "$(dirname "$0")"
schemas=../schemas

seed() { # seed <target> <file> [prefix]: the example, prefixed, named by its content hash
    local target=$1 file=$2 prefix=${3-}
    mkdir -p "corpus/$target"
    local tmp
    tmp=$(mktemp)
    { printf '%b' "$prefix"; cat "$file"; } >"$tmp"
    mv "$tmp" "corpus/$target/$(sha1sum "$tmp" | cut -c1-40)"
}

for vendor in spotio breakcold clinchpad zoho-salesiq tomba; do
    target=parse_${vendor//-/_}
    for example in "$schemas/$vendor"/examples/*.json; do
        seed "$target" "$example"
    done
done
# The verifiers: the same bodies, in each target's input layout.
for example in "$schemas"/spotio/examples/*.json; do
    seed verify_hmac "$example" '\x00' # header length 0, then the body
done
for example in "$schemas"/zoho-salesiq/examples/*.json; do
    seed verify_rsa "$example" '\x00'
done
for example in "$schemas"/breakcold/examples/*.json; do
    seed verify_body_secret "$example"
done
for example in "$schemas"/clinchpad/examples/*.json; do
    seed verify_handshake_key "$example"
done
for example in "$schemas"/tomba/examples/*.json; do
    # `name:value` header lines, then the body on one line
    seed verify_headers <(tr -d '\n' <"$example") 'Authorization:Bearer x\nX-Api-Key:k3y\n'
done
for dir in corpus/*/; do
    echo "$dir: $(find "$dir" -type f | wc -l) files"
done
