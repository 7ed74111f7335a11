"""Blank import files for leads: the columns, plus (in the workbook) the codes each column takes."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from casereview.models import Organisation, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from workshops.imports import CASE_COLUMNS, CASE_OPTIONAL_COLUMNS

CODE_COLUMNS = [
    ("phase", VocabularyKind.PHASE),
    ("primary_need", VocabularyKind.PRIMARY_NEED),
    ("support_level", VocabularyKind.SUPPORT_LEVEL),
    ("current_provision", VocabularyKind.PROVISION),
]


def case_template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(CASE_COLUMNS + CASE_OPTIONAL_COLUMNS)
    return buffer.getvalue().encode("utf-8")


def case_template_xlsx(organisation: Organisation) -> bytes:
    workbook = Workbook()
    cases = workbook.active
    cases.title = "Cases"
    cases.append(CASE_COLUMNS + CASE_OPTIONAL_COLUMNS)
    for cell in cases[1]:
        cell.font = Font(bold=True)
    codes = workbook.create_sheet("Codes")
    codes.append(["column", "code", "label"])
    terms = VocabularyTerm.objects.for_organisation(organisation).filter(retired_at__isnull=True)
    for column, kind in CODE_COLUMNS:
        for term in terms.filter(kind=kind).order_by("position"):
            codes.append([column, term.code, term.label])
    codes.append([])
    codes.append(["year_group", "N, R, 1 to 14", "or leave blank"])
    codes.append(["room", "any room name", "optional; rooms that do not exist yet are created"])
    codes.append(["reference", "e.g. C-017", "pseudonymous, never a name, UPN or NHS number"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
