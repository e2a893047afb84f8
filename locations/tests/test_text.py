from locations.text import fold, nfc


def test_fold_drops_accents_and_folds_d_with_stroke():
    assert fold("Nguyễn Thị Đào") == "nguyen thi dao"
    assert fold("  ĐẮK   GLEI ") == "dak glei"


def test_fold_treats_composed_and_decomposed_text_alike():
    composed = "Hà Nội"
    decomposed = "Ha\u0300 No\u0323\u0302i"
    assert fold(composed) == fold(decomposed) == "ha noi"


def test_fold_drops_marks_of_other_scripts_and_keeps_other_letters():
    # A combining mark outside the Latin block is dropped too; the grapheme joiner is no mark.
    assert fold("a\u0483b") == "ab"
    assert fold("z\u034fx") == "z\u034fx"
    assert fold("Ø Café Ñ") == "ø cafe n"


def test_fold_of_empty_is_empty():
    assert fold(None) == "" and fold("") == ""


def test_nfc_normalises_and_strips():
    assert nfc(" Ha\u0300 ") == "Hà"
