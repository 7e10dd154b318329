#!/bin/sh
# Runs rpcgen on one .x file the way meson needs it: output to an absolute
# path, and the generated .c including its header by its bare name (rpcgen
# derives the #include from the input path, so it runs in the input's
# directory), warning-free.  Usage: rpcgen.sh RPCGEN -h|-c INPUT.x OUTPUT
set -eu
rpcgen=$1 mode=$2 input=$3 output=$4
case $output in /*) ;; *) output=$(pwd)/$output ;; esac
# rpcgen refuses to replace an existing output.
rm -f "$output"
cd "$(dirname "$input")"
"$rpcgen" "$mode" -o "$output" "$(basename "$input")"
if [ "$mode" = -c ]; then
	# Its functions declare a buffer some never use: say so in the file,
	# so that any build of it (the fuzz targets' too) stays warning-free.
	{
		echo '#pragma GCC diagnostic ignored "-Wunused-variable"'
		cat "$output"
	} > "$output.tmp" && mv "$output.tmp" "$output"
fi
