"""The Django admin is for the people who run the installation (superusers), across all LAs.
LA staff use the app's own pages, which are scoped to their organisation."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from casereview import services
from casereview.models import Membership, Organisation, OrganisationSignIn, User, VocabularyTerm
from casereview.signin import services as signin_services
from casereview.signin.forms import SignInSettingsForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new LA starts with the default vocabularies, however it was created.
        services.vocabulary_seed(obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


@admin.register(VocabularyTerm)
class VocabularyTermAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "kind", "organisation", "position", "retired_at"]
    list_filter = ["organisation", "kind"]
    search_fields = ["label", "code"]

    def has_delete_permission(self, request, obj=None):
        # Terms are retired, never deleted: past reviews refer to them.
        return False


class OrganisationSignInAdminForm(SignInSettingsForm):
    class Meta(SignInSettingsForm.Meta):
        fields = ["organisation", *SignInSettingsForm.Meta.fields]


@admin.register(OrganisationSignIn)
class OrganisationSignInAdmin(admin.ModelAdmin):
    """For the superuser's first setup of an LA's provider; the LA's lead has the same on their
    own settings page. Saved through the service, so the secret is encrypted and SSO-only LAs'
    password sessions end."""

    form = OrganisationSignInAdminForm
    list_display = ["organisation", "preset", "issuer", "sso_required", "mfa_required_for"]

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in form.cleaned_data.items() if name != "organisation"}
        saved = signin_services.sign_in_save(organisation=form.cleaned_data["organisation"], **data)
        obj.pk = saved.pk
