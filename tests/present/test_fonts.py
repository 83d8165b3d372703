"""The faces of the charts and of the 公文 print layout: found installed, checked to cover Chinese text, and a
missing one named with the params key that asked for it."""

from __future__ import annotations

import pytest

from nianbao.errors import FontMissingError
from nianbao.inputs.params import Faces
from nianbao.present.fonts import print_faces


class TestPrintFaces:
    def test_the_default_faces_are_installed(self):
        faces = print_faces(Faces().model_dump())
        assert (faces.title.family, faces.body.family) == ("Noto Serif CJK SC", "Noto Serif CJK SC")
        assert faces.heading.family == "Noto Sans CJK SC" and faces.subheading.family == "LXGW WenKai"
        assert faces.title.path.endswith(".ttc") and faces.subheading.path.endswith(".ttf")

    def test_a_missing_face_is_named_with_its_role(self):
        with pytest.raises(FontMissingError) as err:
            print_faces({**Faces().model_dump(), "heading": "No Such Hei SC"})
        assert "faces.heading" in str(err.value) and "No Such Hei SC" in str(err.value)

    def test_a_face_without_simplified_chinese_is_refused(self):
        with pytest.raises(FontMissingError, match="faces.body.*不含中文字形"):
            print_faces({**Faces().model_dump(), "body": "DejaVu Serif"})
