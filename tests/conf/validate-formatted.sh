#!/bin/sh
# Format every golden input with xvm-conf-xmlformat (with the flags its
# name selects, as test-domain-xml does) and validate the output against
# libvirt's own RelaxNG schema with virt-xml-validate.
# usage: validate-formatted.sh XMLFORMAT DATADIR
set -u
fmt=$1
dir=$2
# scripts/install-deps.sh installs it: missing is a failure, not a skip.
if ! command -v virt-xml-validate >/dev/null 2>&1; then
    echo "virt-xml-validate not installed (package libvirt-clients)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
for f in "$dir"/*.xml; do
    case $f in *.out.xml) continue ;; esac
    name=$(basename "$f" .xml)
    set --
    case $name in
        *-live2inactive*) set -- --live --inactive ;;
        *-live*) set -- --live ;;
    esac
    case $name in *-secure*) set -- "$@" --secure ;; esac
    if ! "$fmt" "$@" "$f" >"$tmp/$name.xml" 2>"$tmp/$name.err"; then
        echo "FAIL format $name: $(cat "$tmp/$name.err")"
        fail=$((fail + 1))
        continue
    fi
    if ! virt-xml-validate "$tmp/$name.xml" domain >"$tmp/$name.log" 2>&1; then
        echo "FAIL validate $name:"
        cat "$tmp/$name.log"
        fail=$((fail + 1))
        continue
    fi
    n=$((n + 1))
done
echo "$n documents validate, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
