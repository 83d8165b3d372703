"""Enumerations whose members carry the word the report and the messages print beside their value."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A string enum whose members are declared as ``MEMBER = "value", "标签"``: the value is what files and logs
    hold, ``label`` the Chinese word a reader sees."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member
