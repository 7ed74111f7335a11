import inspect
import os

import structlog
from celery import Celery
from celery.signals import celeryd_init, setup_logging, worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")

# DjangoTask gives every task delay_on_commit(): enqueue only once the data it reads is committed.
app = Celery("casereview", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# django-structlog binds each task's id (and the request id of the request that queued it) to the
# task's log lines.
app.steps["worker"].add("django_structlog.celery.steps:DjangoStructLogInitStep")


@setup_logging.connect
def log_as_the_web_processes_do(**kwargs):
    """The worker's and beat's lines, Celery's own included, through settings.LOGGING (one JSON
    object a line in production) instead of the handlers Celery would install."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@celeryd_init.connect
def no_banner_among_json_lines(instance=None, **kwargs):
    """In production the worker's output is JSON lines only: its start-up banner would be lines of
    art among them (its "ready" line says it has started)."""
    from django.conf import settings

    if instance is not None and not settings.DEBUG:
        instance.quiet = True


def bind_organisation_id(sender, task, **kwargs):
    """A task given an organisation_id argument names it in each of its lines."""
    try:
        arguments = inspect.signature(task.run).bind_partial(*(task.request.args or ()), **(task.request.kwargs or {}))
    except TypeError:
        return
    if "organisation_id" in arguments.arguments:
        structlog.contextvars.bind_contextvars(organisation_id=arguments.arguments["organisation_id"])


@worker_init.connect
def name_the_organisation_in_task_lines(**kwargs):
    # Imported here: web processes and gunicorn's master import this module too, before Django is set up.
    from django_structlog.celery.signals import bind_extra_task_metadata

    bind_extra_task_metadata.connect(bind_organisation_id, weak=False, dispatch_uid=__name__)


@worker_ready.connect
def heartbeat_on_start(sender, **kwargs):
    """A heartbeat as soon as a worker is up, so the health page says so at once rather than after
    beat's next one (up to a minute). Never stops the worker from starting."""
    from casereview.tasks import worker_heartbeat

    try:
        worker_heartbeat.run()
    except Exception:  # noqa: BLE001 - the cache fails open; anything else must not stop the worker either
        pass
