#!/usr/bin/env bash
# Regenerate every picture in docs/screenshots/ (see its README.md):
#   scripts/screenshots.sh            # from the repository root, with .venv/ installed
# Needs QT offscreen (set here), poppler-utils (pdftoppm), chromium, exiftool (libimage-exiftool-perl).
# The pytest runs go under /work/team/bench.lock when that file exists (the team's shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/screenshots
PY=${PYTHON:-.venv/bin/python}
VIDTASK=${VIDTASK:-.venv/bin/vidtask}
LOCK=()
[ -e /work/team/bench.lock ] && LOCK=(flock /work/team/bench.lock)
export QT_QPA_PLATFORM=offscreen
mkdir -p "$OUT"
rm -f "$OUT"/*.png "$OUT"/*.jpg "$OUT"/exif.txt

# 1. The window's screens, drawn by the tests that assert what they show (SQLite only).
VIDTASK_SCREENS="$OUT" "${LOCK[@]}" "$PY" -m pytest -q -p no:cacheprovider \
  tests/ui/test_docs_screens.py tests/ui/test_screenshots.py \
  tests/ui/test_who_is_working.py::test_about_shows_version_database_folders_and_licence \
  tests/ui/test_who_is_working.py::test_switch_person_reopens_the_window_as_the_chosen_person \
  tests/ui/test_startup.py::test_the_error_dialog_offers_retry_connect_and_quit \
  -k "not postgresql"
# the signed-in status bar of a personal login: PostgreSQL only (SQLite has no logins)
VIDTASK_SCREENS="$OUT" "${LOCK[@]}" "$PY" -m pytest -q -p no:cacheprovider \
  tests/ui/test_who_is_working.py::test_a_personal_login_cannot_switch_person_and_is_told_why

# 2. A packet's clue page: the demo sprint in a scratch SQLite, packets exported, page 2 drawn.
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
DB="sqlite:///$SCRATCH/demo.db"
"$VIDTASK" demo --database "$DB" --series 40 --seed 1 --quiet
"$VIDTASK" export packets --database "$DB" --as admin --out "$SCRATCH/packets" --quiet
ZIP=$(ls "$SCRATCH"/packets/*.zip | head -1)
(cd "$SCRATCH" && unzip -q -o "$ZIP" report.pdf)
PAGE=$(for p in 1 2 3 4 5; do pdftotext -f $p -l $p "$SCRATCH/report.pdf" - 2>/dev/null \
  | grep -q "^ *Clues" && { echo $p; break; }; done)
pdftoppm -png -r 80 -f "${PAGE:-2}" -l "${PAGE:-2}" -singlefile "$SCRATCH/report.pdf" \
  "$OUT/packet-clue-page"

# 3. What exiftool reads in the crop as saved (GPS) and as published (nothing but the file).
{
  echo "# exiftool -a -G1 -s: the crop as drafted (GPS EXIF) and as published by vidtask"
  echo "## appeal-source-crop.jpg (not kept)"
  exiftool -a -G1 -s "$OUT/appeal-source-crop.jpg" | grep -E "GPS|Serial|Comment|XMP|IPTC|ICC" | sed 's/^/    /'
  echo "## appeal-published-crop.jpg"
  exiftool -a -G1 -s "$OUT/appeal-published-crop.jpg" | grep -vE "ExifTool|System|Directory|FileName|FileModify|FileAccess|FileInode|FilePermissions" | sed 's/^/    /'
} > "$OUT/exif.txt"
rm -f "$OUT/appeal-source-crop.jpg"
ls -l "$OUT"
