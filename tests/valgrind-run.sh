#!/bin/sh
# Runs the sshwhy binary named in $SW_VALGRIND_BIN under valgrind memcheck
# (CTest label memcheck, issue 13): golden cases call this script in place
# of the binary. Any memory error or definite/indirect leak exits 99.
exec valgrind --tool=memcheck --quiet --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect "$SW_VALGRIND_BIN" "$@"
