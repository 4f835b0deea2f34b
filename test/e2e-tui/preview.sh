#!/bin/sh
# Builds the preview (src + test fakes) into a temporary directory and runs it in this terminal.
# Usage: test/e2e-tui/preview.sh [--emergency] [--clean] | --build-only (prints the script's path)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${KEK_PREVIEW_DIR:-/tmp/kek-rotate-preview}
mkdir -p "$out"
cat > "$out/tsconfig.json" <<JSON
{ "extends": "$root/tsconfig.json",
  "compilerOptions": { "outDir": "$out/build", "rootDir": "$root", "noEmit": false, "sourceMap": false },
  "include": ["$root/test/e2e-tui/preview.tsx"] }
JSON
ln -sfn "$root/node_modules" "$out/node_modules"
# Type errors are for `npm test` to report; the preview only needs the emitted JavaScript.
"$root/node_modules/.bin/tsc" -p "$out/tsconfig.json" >/dev/null || echo "(type errors ignored by the preview)" >&2
[ -e "$out/build/package.json" ] || echo '{"type":"module"}' > "$out/build/package.json"
script="$out/build/test/e2e-tui/preview.js"
if [ "${1:-}" = "--build-only" ]; then echo "$script"; exit 0; fi
exec node "$script" "$@"
