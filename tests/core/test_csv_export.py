"""One CSV writer, safe cells (issue 13, defect 7: a tab or CR before '=' slipped through
the customer summary export's check)."""

import csv
import io

import pytest

from core.csv_export import csv_lines, csv_response, safe_cell


@pytest.mark.parametrize(
    "attack",
    [
        '=HYPERLINK("http://evil.example")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        " =1+1",
        "\n@cmd",
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_made_text(attack):
    assert safe_cell(attack) == "'" + attack


@pytest.mark.parametrize("plain", ["-3", "12.5%", "+4", "Acme Corp", "", "a=b"])
def test_plain_values_and_numbers_are_left_alone(plain):
    assert safe_cell(plain) == plain


def test_the_response_is_a_csv_file_whose_cells_read_back_safely():
    response = csv_response("customers 2026/11", ["Name", "Note"], [["\t=evil()", None]])
    assert response["Content-Disposition"] == 'attachment; filename="customers202611.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Name", "Note"], ["'\t=evil()", ""]]


def test_lines_stream_the_header_first():
    assert list(csv_lines(["A"], [[1], [2]])) == ["A\r\n", "1\r\n", "2\r\n"]
