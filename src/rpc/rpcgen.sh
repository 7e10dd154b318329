#!/bin/sh
# Runs rpcgen on one .x file the way meson needs it: output to an absolute
# path, and the generated .c including its header by its bare name (rpcgen
# derives the #include from the input path, so it runs in the input's
# directory).  Usage: rpcgen.sh RPCGEN -h|-c INPUT.x OUTPUT
set -eu
rpcgen=$1 mode=$2 input=$3 output=$4
case $output in /*) ;; *) output=$(pwd)/$output ;; esac
# rpcgen refuses to replace an existing output.
rm -f "$output"
cd "$(dirname "$input")"
exec "$rpcgen" "$mode" -o "$output" "$(basename "$input")"
