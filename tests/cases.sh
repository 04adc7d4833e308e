#!/bin/sh
# Every command-line case of the suite: tests/TOOL/NNNN-slug/.
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
exec "$src/scripts/run-case" "$src"/tests/*/[0-9][0-9][0-9][0-9]-*/
