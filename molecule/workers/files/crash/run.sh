#!/bin/sh
# A worker that dies at start, as one with a missing module does (molecule/workers' health
# gate check). Kept without its execute bit: the role makes a program it copies executable.
echo "tops-crash-$((6 * 7)): no such module" >&2
exit 3
