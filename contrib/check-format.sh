#!/bin/bash
# Checks that every C++ file in git follows the repo's .clang-format (CI runs this before building).
# Usage: bash contrib/check-format.sh [--fix]     --fix rewrites the files that do not.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
elif ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "check-format: the files above do not follow .clang-format; run: bash contrib/check-format.sh --fix" >&2
  exit 1
fi
