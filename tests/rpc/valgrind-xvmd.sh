#!/bin/sh
# Runs $XVMD under valgrind's memcheck with the arguments given: any error
# or definite leak makes it exit 99 (test-xvmd checks the exit status).
here=$(cd "$(dirname "$0")" && pwd)
exec valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --suppressions="$here/glibc-resolver.supp" \
	"${XVMD:?}" "$@"
