"""The question bank: the 16 Leadership Principles and the behavioural questions asked
about each, loaded from editable TOML files in ``bank/data``. Community question files
(CSV, YAML, TOML) are read and written by ``bank.io``."""

from __future__ import annotations

from bank.errors import BankError
from bank.loader import load_bank, load_bank_from, merge_custom
from bank.model import Bank, Principle, Question
from bank.resolve import resolve_principle

__all__ = [
    "Bank",
    "BankError",
    "Principle",
    "Question",
    "load_bank",
    "load_bank_from",
    "merge_custom",
    "resolve_principle",
]
