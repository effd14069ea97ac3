"""Where the clinical specification and the clinical-safety cases live: inside the repository
(docs/clinical/), so that tests read nothing outside it."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CLINICAL_DOCS = REPO_ROOT / "docs" / "clinical"
#: The clinical specification (data dictionary, definitions, rules R1-R14, replay format).
SPEC = CLINICAL_DOCS / "spec.md"
#: The clinical-safety cases (spec, "Replay format"); every one of them must pass.
CASES_DIR = CLINICAL_DOCS / "cases"
CASES = sorted(CASES_DIR.glob("*.json"))
