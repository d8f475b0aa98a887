#!/usr/bin/env bash
# Trains the model when data, domain or config changed (Rasa's own
# fingerprint), and also when the clinical NLP baked into the model changed:
# the lexicon and the component code, which Rasa's fingerprint does not see.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models
hash_file=models/.clinical-nlp.sha256
current=$(cat bot/nlp/*.yml bot/nlp/*.py bot/graph/*.py bot/vocabulary.yml 2>/dev/null | sha256sum | cut -d' ' -f1)
force=()
if [ "$(cat "$hash_file" 2>/dev/null)" != "$current" ]; then
  force=(--force)
  echo "==> train: the clinical NLP (lexicon or component) changed: retraining"
fi
.venv/bin/rasa train --out models --quiet "${force[@]}"
echo "$current" > "$hash_file"
