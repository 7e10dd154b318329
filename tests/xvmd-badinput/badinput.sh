#!/bin/sh
# Bad input to xvmd, case by case (badinput.py), on the private stack of
# suite xvmd (tests/xvmd-domains/stack.sh). Prints a tally of the cases.
. "$STACK_SH"
stack_start
echo kernel >"$DIR/vmlinuz"
/usr/bin/python3 "$BADINPUT_PY" "$DIR" "$xvmd_pid" || fail "bad input: see the cases above"
