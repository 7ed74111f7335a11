"""A school's text longer than its column is a row problem with its line number, like every other
import rule, not a server error (issue 16, item 11)."""

import io

from django.urls import reverse

from analytics.models import SettingsDataset


def test_a_201_character_school_name_is_listed_with_its_line_and_nothing_is_kept(client_for, lead):
    text = (
        "urn,name,phase,locality,pupils\n"
        "100001,Northfield Academy,Secondary,North,1180\n"
        f"100002,{'A' * 201},Secondary,North,980\n"
        f"100003,Castle Hill School,{'P' * 61},{'L' * 101},1250\n"
    )
    file = io.BytesIO(text.encode())
    file.name = "settings.csv"
    response = client_for(lead).post(reverse("datasets"), {"name": "Secondaries", "file": file})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was uploaded: 3 problems to fix" in page
    assert "name is 201 characters long; at most 200 fit" in page
    assert (
        "phase is 61 characters long; at most 60 fit" in page
        and "locality is 101 characters long; at most 100 fit" in page
    )
    assert "Line 3" in page or "line 3" in page
    assert not SettingsDataset.objects.exists()
