import os

from django.apps import apps
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")
application = get_wsgi_application()

# Before the first request, not during it: each app may load what its busiest request would
# otherwise load on first use (a phone's answer: the lemma dictionary, docs/benchmarks.md). Only
# web processes import this module, so commands and workers do not pay for it.
for app_config in apps.get_app_configs():
    if hasattr(app_config, "warm_up"):
        app_config.warm_up()
    # An app may answer its commonest requests before Django does (what following phones ask,
    # workshops/polls/follow.py): through its AppConfig, so this module imports no app.
    if hasattr(app_config, "wrap_wsgi"):
        application = app_config.wrap_wsgi(application)
