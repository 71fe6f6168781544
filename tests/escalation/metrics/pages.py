"""Reading the metrics pages as a user does: the text of each table cell, and the CSV."""

import csv
import io
import re
from html import unescape


def cells(html: str, table: str) -> list[list[str]]:
    """The text of every row of one table on the page, as the user reads it."""
    block = re.search(rf'id="table-{table}".*?</table>', html, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", block, re.S):
        texts = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", t).strip()) for t in texts])
    return rows


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))
