from django.apps import AppConfig


class CasereviewConfig(AppConfig):
    name = "casereview"
    verbose_name = "casereview core"

    def ready(self):
        from casereview.metrics import connect_model_signals

        # Counted from the models' post_save, so no service needs to know about metrics.
        connect_model_signals()

        # A wrong second-factor code counts for django-axes as a failed sign-in (casereview/signin/lockout.py).
        import casereview.signin.lockout  # noqa: F401
