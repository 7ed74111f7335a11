"""A DfE school-level file of the largest size allowed (200 MB, a national file as downloaded) is
read as a stream from the uploaded file: the worker's peak memory rises by well under 100 MB.
Read whole with pandas, a 60 MB file once added some 275 MB (hardening round 3)."""

import json
import subprocess
import sys

from django.conf import settings

from analytics.variation import dfe_files

HEADER = "time_period,geographic_level,la_name,school_urn,school_name,phase_type_grouping,sen_provision,pupil_count\n"
PROVISIONS = ["All pupils", "Education, health and care plan", "SEN support", "No SEN"]

# Reads the file named on the command line in a fresh interpreter, as the view hands it over (an
# open file, never its bytes), and prints how far the peak resident memory rose (the kernel's
# high-water mark, VmHWM, which starts afresh with the new program).
MEASURE = """
import json, os, re, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")
django.setup()
from analytics.variation import dfe_files
def peak_kb():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
before = peak_kb()
with open(sys.argv[1], "rb") as upload:
    kind, schools, problems, notes = dfe_files.read("sen.csv", upload, "Northshire")
print(json.dumps({"rise_mb": (peak_kb() - before) / 1024, "schools": len(schools), "problems": len(problems)}))
"""


def _national_file(path, size: int) -> None:
    """Rows of other LAs up to ``size`` bytes, with 300 schools of Northshire spread through them."""
    block = "".join(
        f"202425,School,Otherland {n % 150},{100000 + n},Other School {n},State-funded primary,{p},{n % 900}\n"
        for n in range(2000)
        for p in PROVISIONS
    ).encode()
    ours = "".join(
        f"202425,School,Northshire,{140000 + n},Northshire School {n},State-funded secondary,{p},{n + 10}\n"
        for n in range(300)
        for p in PROVISIONS
    ).encode()
    with open(path, "wb") as file:
        file.write(HEADER.encode() + ours)
        written = len(HEADER) + len(ours)
        while written + len(block) <= size:
            file.write(block)
            written += len(block)


def test_a_200_mb_national_file_is_read_within_100_mb_of_memory(tmp_path):
    path = tmp_path / "sen_school_level.csv"
    _national_file(path, dfe_files.MAX_BYTES)
    assert dfe_files.MAX_BYTES - 2 * 1024 * 1024 < path.stat().st_size <= dfe_files.MAX_BYTES
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=300, cwd=settings.BASE_DIR
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    print(measured)  # the figure docs/security.md gives
    assert measured["schools"] == 300 and measured["problems"] == 0, measured
    assert measured["rise_mb"] < 100, measured
