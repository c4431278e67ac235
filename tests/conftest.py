"""Shared test setup: make the project's packages (bot, bank, storage, adapters, and
``tests`` itself, for ``tests.storage_contract``) importable without installing lpbot."""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))
