import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")

# DjangoTask gives every task delay_on_commit(): enqueue only once the data it reads is committed.
app = Celery("casereview", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
