"""A clearly labelled synthetic dataset of 20 mainstream secondaries, for variational analysis.

The story: most schools suspend around one in six of their pupils with EHCPs at least once a
year. Two schools in the East locality suspend far more (red, above the limits); St Aidan's,
with the most pupils with EHCPs, suspends far fewer (green): a school to learn from.
"""

from analytics.models import SettingRow, SettingsDataset

NAME = "Synthetic demo: 20 mainstream secondaries, SEND suspensions 2025/26"
DESCRIPTION = "Made-up figures for trying the analysis. Not real schools."
# urn, name, locality, deprivation decile, pupils, ehcp, sen_support, EHCP pupils suspended at least once,
# permanent exclusions (SEND)
SCHOOLS = [
    ("900001", "Northfield Academy", "North", 6, 1180, 34, 150, 5, 0),
    ("900002", "Hollins Park School", "East", 2, 980, 41, 190, 19, 2),
    ("900003", "St Aidan's Church of England High School", "West", 3, 1420, 72, 210, 3, 0),
    ("900004", "Riverside Community College", "East", 1, 860, 30, 175, 14, 1),
    ("900005", "Castle Hill School", "South", 7, 1250, 28, 140, 5, 0),
    ("900006", "Brookside Academy", "North", 5, 720, 18, 98, 3, 0),
    ("900007", "Kingsmead High School", "South", 8, 1510, 45, 160, 7, 1),
    ("900008", "Oakwood Academy", "West", 4, 1040, 39, 170, 6, 0),
    ("900009", "Meadowbank School", "North", 6, 640, 12, 85, 2, 0),
    ("900010", "Eastgate Academy", "East", 2, 1120, 36, 200, 8, 1),
    ("900011", "Priory School", "South", 9, 1300, 26, 120, 3, 0),
    ("900012", "Harbour View College", "East", 3, 950, 33, 185, 7, 0),
    ("900013", "Greenlane Academy", "West", 5, 1200, 40, 165, 6, 0),
    ("900014", "Ashworth High School", "North", 7, 1090, 31, 130, 5, 0),
    ("900015", "Millbrook School", "South", 6, 780, 20, 110, 4, 0),
    ("900016", "Westfield Academy", "West", 4, 1330, 47, 190, 8, 1),
    ("900017", "Thornton School", "North", 8, 560, 9, 70, 1, 0),
    ("900018", "Beacon Hill Academy", "East", 2, 1010, 35, 195, 6, 0),
    ("900019", "Lakeside High School", "South", 5, 1160, 37, 150, 6, 0),
    ("900020", "Fairfield Academy", "West", 3, 890, 29, 160, 5, 0),
]
MEASURES = ["pupils", "ehcp", "sen_support", "ehcp_suspended", "send_exclusions"]


def load(organisation):
    if SettingsDataset.objects.filter(organisation=organisation, name=NAME).exists():
        return
    dataset = SettingsDataset.objects.create(
        organisation=organisation, name=NAME, description=DESCRIPTION, measures=MEASURES
    )
    SettingRow.objects.bulk_create(
        SettingRow(
            dataset=dataset,
            urn=urn,
            name=name,
            phase="Secondary",
            locality=locality,
            deprivation_decile=decile,
            values=dict(zip(MEASURES, figures)),
        )
        for urn, name, locality, decile, *figures in SCHOOLS
    )
