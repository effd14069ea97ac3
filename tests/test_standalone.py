"""The repository stands alone: nothing in it, tests included, points at a file outside it (a
clone has nothing beside it). The clinical specification and its cases are docs/clinical/."""

import re

from tests.clinical_docs import REPO_ROOT

#: Folders that are made by `make install` or by runs, not written by us.
NOT_OURS = {".git", ".venv", "node_modules", "staticfiles", "test-artifacts", "bench", "build"}
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".json", ".css", ".js", ".scss", ".po"}
#: References to the team's folder beside the repository, which a clone does not have.
OUTSIDE = re.compile(r"\.\./shared\b|\bshared/clinical\b|" + "CLINICAL" + r"\.md")


def our_text_files():
    for path in REPO_ROOT.rglob("*"):
        parts = set(path.relative_to(REPO_ROOT).parts)
        if parts & NOT_OURS or any(part.endswith(".egg-info") for part in parts):
            continue
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name == "Makefile"):
            yield path


def test_no_file_points_outside_the_repository():
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in our_text_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, f"references to files outside the repository: {found}"
