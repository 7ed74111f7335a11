# The analytics tests read the workshop day's data: share its fixtures (cases, rooms, polls...).
from tests.workshops.conftest import *  # noqa: F401,F403
