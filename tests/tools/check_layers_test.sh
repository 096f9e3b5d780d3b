#!/usr/bin/env bash
# tools/check-layers must pass on the tree and fail on each kind of forbidden include.
set -uo pipefail
src=$1
"$src/tools/check-layers" >/dev/null || { echo "FAIL: check-layers rejects the real tree"; exit 1; }
fails=0
try() {
  local file=$1 line=$2
  local t; t=$(mktemp -d)
  mkdir -p "$t/tools" "$(dirname "$t/$file")"
  cp "$src/tools/check-layers" "$t/tools/"
  echo "$line" > "$t/$file"
  if "$t/tools/check-layers" >/dev/null 2>&1; then
    echo "FAIL: check-layers accepted $file: $line"; fails=$((fails + 1))
  else
    echo "ok: refused $file: $line"
  fi
  rm -rf "$t"
}
try engine/x.hpp '#include <boost/beast/http.hpp>'
try engine/x.cpp '#include <soci/soci.h>'
try workflows/x.cpp '#include <spdlog/spdlog.h>'
try workflows/x.cpp '#include <openssl/evp.h>'
try engine/x.cpp '#include "api/router.hpp"'
try api/x.cpp '#include "db/pool.hpp"'
try adapters/x.cpp '#include "db/pool.hpp"'
echo "$((7 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
