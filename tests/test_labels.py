from __future__ import annotations

import json

from nianbao.labels import Labelled


class Colour(Labelled):
    RED = "red", "红"
    PLAIN = "plain"


class TestLabelled:
    def test_a_member_is_its_value_and_carries_its_label(self):
        assert Colour.RED == "red" and Colour.RED.value == "red" and Colour.RED.label == "红"

    def test_looked_up_by_value(self):
        assert Colour("red") is Colour.RED

    def test_without_a_label_the_value_is_printed(self):
        assert Colour.PLAIN.label == "plain"

    def test_serialises_as_its_value(self):
        assert json.dumps({"c": Colour.RED}) == '{"c": "red"}' and f"{Colour.RED}" == "red"
