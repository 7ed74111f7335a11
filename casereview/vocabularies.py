"""The SEND vocabularies every organisation starts with (docs/design.md, “What it is”).

Provision types, primary needs, support levels and phases use national codes (DSG management
plan categories, DfE SEN2 codes): an LA may relabel, reorder or retire them but not invent new
codes, because imports and cross-LA comparisons rely on them. Non-ideal areas and themes are the
LA's own: it may also add entries.
"""

from django.db import models


class VocabularyKind(models.TextChoices):
    PROVISION = "provision", "Provision types"
    PRIMARY_NEED = "primary_need", "Primary needs (SEN2)"
    SUPPORT_LEVEL = "support_level", "Support levels"
    PHASE = "phase", "Phases"
    NON_IDEAL_AREA = "non_ideal_area", "Non-ideal areas"
    THEME = "theme", "Themes"


# One entry of each kind, in words, for messages ("“ASDX” is not a primary need").
ENTRY_NAMES = {
    VocabularyKind.PROVISION: "provision type",
    VocabularyKind.PRIMARY_NEED: "primary need",
    VocabularyKind.SUPPORT_LEVEL: "support level",
    VocabularyKind.PHASE: "phase",
    VocabularyKind.NON_IDEAL_AREA: "non-ideal area",
    VocabularyKind.THEME: "theme",
}

# Kinds to which an LA may add its own entries.
OPEN_KINDS = frozenset({VocabularyKind.NON_IDEAL_AREA, VocabularyKind.THEME})

DEFAULT_TERMS: dict[str, list[tuple[str, str]]] = {
    VocabularyKind.PROVISION: [
        ("MAINSTREAM", "Mainstream school or academy"),
        ("RESOURCED", "Resourced provision or SEN unit"),
        ("MSS", "Maintained special school or special academy"),
        ("INMSS", "Independent or non-maintained special school"),
        ("AP", "Hospital school or alternative provision"),
        ("POST16", "Post-16 / further education"),
        ("EARLY_YEARS", "Early years setting"),
        ("OTHER", "Other arrangements (including elective home education)"),
    ],
    VocabularyKind.PRIMARY_NEED: [
        ("SPLD", "Specific learning difficulty"),
        ("MLD", "Moderate learning difficulty"),
        ("SLD", "Severe learning difficulty"),
        ("PMLD", "Profound and multiple learning difficulty"),
        ("SEMH", "Social, emotional and mental health"),
        ("SLCN", "Speech, language and communication needs"),
        ("HI", "Hearing impairment"),
        ("VI", "Vision impairment"),
        ("MSI", "Multi-sensory impairment"),
        ("PD", "Physical disability"),
        ("ASD", "Autistic spectrum disorder"),
        ("DS", "Down syndrome"),
        ("OTH", "Other difficulty or disability"),
        ("NSA", "SEN support but no specialist assessment of type of need"),
    ],
    VocabularyKind.SUPPORT_LEVEL: [
        ("SEN_SUPPORT", "SEN support"),
        ("EHCP", "Education, health and care plan"),
    ],
    VocabularyKind.PHASE: [
        ("EARLY_YEARS", "Early years"),
        ("PRIMARY", "Primary"),
        ("SECONDARY", "Secondary"),
        ("POST16", "Post-16"),
    ],
    VocabularyKind.NON_IDEAL_AREA: [
        ("TYPE_OF_PROVISION", "Type of provision"),
        ("TIMING_OF_SUPPORT", "Timing of support"),
        ("LEVEL_OF_SUPPORT", "Level of support"),
        ("QUALITY_OF_SUPPORT", "Quality of support"),
        ("TRANSITION", "Transition"),
        ("HEALTH_INPUT", "Health input"),
        ("SOCIAL_CARE_INPUT", "Social care input"),
        ("FAMILY_SUPPORT", "Family support"),
        ("IDENTIFICATION_AND_ASSESSMENT", "Identification and assessment"),
    ],
    VocabularyKind.THEME: [
        ("PARENTAL_CONFIDENCE_IN_MAINSTREAM", "Lack of parental confidence in mainstream"),
        ("INCLUSION_CAPACITY_IN_MAINSTREAM", "Inclusion capacity in mainstream"),
        ("TRANSITION_BETWEEN_SETTINGS", "Transition between settings"),
        ("COMMUNICATION_BETWEEN_SETTINGS", "Communication and data sharing between settings"),
        ("WAITING_TIMES_FOR_SPECIALIST_SERVICES", "Waiting times for specialist services"),
        ("WORKFORCE_CAPACITY", "Workforce capacity"),
        ("GRADUATED_RESPONSE_NOT_EVIDENCED", "Graduated response not evidenced"),
        ("EARLY_HELP_AND_FAMILY_SUPPORT", "Early help / family support"),
    ],
}
