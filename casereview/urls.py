from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from casereview import metrics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/alive/", views.alive, name="alive"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("vocabulary/", views.vocabulary_list, name="vocabulary"),
    path("vocabulary/<str:kind>/add/", views.vocabulary_term_add, name="vocabulary_term_add"),
    path("vocabulary/terms/<int:pk>/", views.vocabulary_term_edit, name="vocabulary_term_edit"),
    path("vocabulary/terms/<int:pk>/retire/", views.vocabulary_term_retire, name="vocabulary_term_retire"),
    path("", include("workshops.urls")),
    path("", include("analytics.urls")),
    # Before Django's own: sign-in with a second factor or the LA's provider (issue 35).
    path("", include("casereview.signin.urls")),
    # Before Django's own, which it replaces: the same page with limits per address and per client.
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("", include("improvement.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
